//! Registry uploads in the ledger: who filed a document, as the leaf says it, and the catch-up
//! of documents filed before the ledger existed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{LeafInput, LeafKind, append_timed, store};
use crate::db::DbConn;
use crate::error::Result;
use crate::schema::{documents, enterprises, ledger_leaves};

/// Documents appended per round of the catch-up.
const BATCH: i64 = 1000;

/// Who filed a document, as its leaf records it: the enterprise's credit code and name.
pub fn document_filer(credit_code: &str, name: &str) -> String {
    format!("{credit_code} {name}")
}

/// Appends every document whose content is not in the ledger yet (filed before it existed),
/// in the order they were filed, each with its own filing time; returns how many leaves were
/// added. Uploads append their leaf in their own transaction, so in a running hub this finds
/// nothing; it is what each publication runs first.
pub fn backfill_documents(conn: &mut DbConn) -> Result<u64> {
    store::lock(conn)?;
    let mut added = 0;
    let mut after = 0i64;
    loop {
        let missing: Vec<(i64, String, NaiveDateTime, String, String)> = documents::table
            .inner_join(enterprises::table)
            .filter(documents::id.gt(after))
            .filter(diesel::dsl::not(diesel::dsl::exists(
                ledger_leaves::table
                    .filter(ledger_leaves::sha256.eq(documents::sha256))
                    .filter(ledger_leaves::kind.eq(LeafKind::Document.as_str())),
            )))
            .order(documents::id)
            .limit(BATCH)
            .select((
                documents::id,
                documents::sha256,
                documents::created_at,
                enterprises::credit_code,
                enterprises::name,
            ))
            .load(conn)?;
        let Some(last) = missing.last() else {
            return Ok(added);
        };
        after = last.0;
        let filers: Vec<String> = missing
            .iter()
            .map(|(_, _, _, code, name)| document_filer(code, name))
            .collect();
        let inputs: Vec<(NaiveDateTime, LeafInput<'_>)> = missing
            .iter()
            .zip(&filers)
            .map(|((_, sha256, at, _, _), by)| {
                (
                    *at,
                    LeafInput {
                        sha256,
                        kind: LeafKind::Document,
                        filed_by: by,
                    },
                )
            })
            .collect();
        let before = store::size(conn)?;
        append_timed(conn, &inputs)?;
        added += store::size(conn)? - before;
    }
}

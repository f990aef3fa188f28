//! The evidence ledger: the SHA-256 of every document that matters, appended to a Merkle-tree
//! log in the manner of Certificate Transparency (RFC 6962, RFC 9162), with signed tree heads,
//! so that customs can check a document with one request and a proof, and any auditor who keeps
//! the heads can tell a log that was rewritten (a fork) from one that only grew.
//!
//! # Appending: [`append`]
//!
//! A source of documents calls [`append`] (or [`append_all`]) inside the transaction that
//! records the document, with the caller's `now`:
//!
//! ```ignore
//! registry::ledger::append(conn, now, &LeafInput {
//!     sha256: &document.sha256,       // the document's SHA-256, hex
//!     kind: LeafKind::Document,       // which source: one variant per source
//!     filed_by: &filer,               // who filed it, as the public may read it
//! })?;
//! ```
//!
//! One leaf per content and kind: appending a hash already in the log under that kind returns
//! its leaf and adds nothing. Registry uploads (`documents::file_document`) append today, as
//! [`LeafKind::Document`] filed by the enterprise (`<credit code> <name>`); national reports,
//! spot-check results and the certificates adapters bring in will each add a [`LeafKind`] and
//! call [`append`] the same way. Documents filed before the ledger existed are appended by
//! [`backfill_documents`], which each publication runs first.
//!
//! # The leaf (version 0)
//!
//! The bytes hashed for leaf `i` (`leaf_hash = SHA-256(0x00 || leaf)`, RFC 9162 §2.1.1):
//!
//! | bytes | what |
//! |---|---|
//! | 1 | version, `0x00` |
//! | 32 | the document's SHA-256 |
//! | 8 | `filed_at`: milliseconds since 1970-01-01T00:00:00Z, unsigned big-endian |
//! | 1 + n | the kind (`document`): its length, then ASCII |
//! | 2 + n | who filed it: its length in bytes (big-endian), then UTF-8 (at most 1000 bytes) |
//!
//! `filed_at` is stored at millisecond precision, so the row re-encodes to the same bytes.
//!
//! # Invariants
//!
//! Architecture invariant: the log is append-only and dense. Leaf indexes run from 0 without
//! gaps: they are assigned under a lock (a PostgreSQL advisory transaction lock, the same one
//! publication takes; SQLite's single writer), in the transaction of the document, so several
//! replicas never take the same index. Database triggers refuse to update or delete a row of
//! `ledger_leaves`, `ledger_nodes` and `ledger_heads`; `hub ledger verify` recomputes every leaf
//! hash, every stored node and every head's root from the rows, checks each signature and the
//! consistency between consecutive heads ([`check_log`]).
//!
//! The hash of every perfect subtree of two leaves or more is stored as leaves complete it
//! (`ledger_nodes`, see [`tree`]), so a proof at any size reads `O(log n)` rows in two queries
//! and never rehashes leaves. Heads are signed by the hub (it holds the key): [`next_head`]
//! gives the bytes to sign, [`store_head`] keeps the signature ([`heads`]).

mod check;
mod documents;
pub mod heads;
mod proofs;
mod store;
pub mod tree;

use chrono::{DateTime, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::error::{Code, RegistryError, Result};
use crate::schema::ledger_leaves;

pub use check::{LogReport, check_log};
pub use documents::{backfill_documents, document_filer};
pub use heads::{SignedHead, UnsignedHead, head, latest_head, list_heads, next_head, store_head};
pub use proofs::{ConsistencyProof, InclusionProof, consistency_proof, inclusion_proof, root_at};
pub use tree::Hash;

/// The version byte of the leaf encoding.
pub const LEAF_VERSION: u8 = 0;

/// The most bytes of `filed_by`.
pub const MAX_FILED_BY: usize = 1000;

/// Which source a leaf comes from. Add a variant for each new source (its name is part of
/// the leaf and never changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeafKind {
    /// A document an enterprise filed in the registry (certificate, test report, certificate of
    /// origin, licence).
    Document,
    /// A published spot-check result (the SHA-256 of its public JSON).
    SpotCheckResult,
}

impl LeafKind {
    /// Every kind.
    pub const ALL: [LeafKind; 2] = [LeafKind::Document, LeafKind::SpotCheckResult];

    /// The name stored and hashed.
    pub fn as_str(self) -> &'static str {
        match self {
            LeafKind::Document => "document",
            LeafKind::SpotCheckResult => "spot_check_result",
        }
    }

    /// A stored name.
    pub fn parse(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| RegistryError::Inconsistent(format!("unknown leaf kind {s:?}")))
    }
}

/// What a source appends.
#[derive(Debug, Clone, Copy)]
pub struct LeafInput<'a> {
    /// The document's SHA-256, 64 hex characters.
    pub sha256: &'a str,
    pub kind: LeafKind,
    /// Who filed it, as the public may read it (an enterprise: `<credit code> <name>`).
    pub filed_by: &'a str,
}

/// A leaf of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Leaf {
    /// Its position, from 0.
    pub leaf_index: i64,
    /// `SHA-256(0x00 || leaf)`, hex.
    pub leaf_hash: String,
    /// The document's SHA-256, hex.
    pub sha256: String,
    pub kind: LeafKind,
    pub filed_by: String,
    /// When it was filed (millisecond precision).
    #[serde(with = "crate::time::as_rfc3339")]
    pub filed_at: NaiveDateTime,
    /// The leaf's bytes (the encoding in the module documentation), hex.
    pub leaf: String,
}

/// Milliseconds since the Unix epoch (0 for earlier times, which a clock never gives).
pub fn millis(at: NaiveDateTime) -> u64 {
    u64::try_from(at.and_utc().timestamp_millis()).unwrap_or(0)
}

/// `at` truncated to what the ledger keeps: milliseconds.
pub fn to_millis(at: NaiveDateTime) -> NaiveDateTime {
    let ms = i64::try_from(millis(at)).unwrap_or(i64::MAX);
    DateTime::from_timestamp_millis(ms).map_or(at, |t| t.naive_utc())
}

/// A SHA-256 from 64 hex characters (either case); 422 `invalid_sha256` on `field` otherwise.
pub fn parse_hash(hex_text: &str, field: &str) -> Result<Hash> {
    let text = hex_text.trim();
    let mut hash = [0u8; 32];
    if text.len() == 64 && hex::decode_to_slice(text, &mut hash).is_ok() {
        Ok(hash)
    } else {
        Err(RegistryError::invalid(
            Code::InvalidSha256,
            field,
            "must be 64 hexadecimal characters",
        ))
    }
}

/// The leaf's bytes (version 0, see the module documentation).
pub fn encode_leaf(
    sha256: &Hash,
    filed_at: NaiveDateTime,
    kind: LeafKind,
    filed_by: &str,
) -> Vec<u8> {
    let kind = kind.as_str().as_bytes();
    let by = filed_by.as_bytes();
    let by = &by[..by.len().min(MAX_FILED_BY)];
    let mut leaf = Vec::with_capacity(1 + 32 + 8 + 1 + kind.len() + 2 + by.len());
    leaf.push(LEAF_VERSION);
    leaf.extend_from_slice(sha256);
    leaf.extend_from_slice(&millis(filed_at).to_be_bytes());
    leaf.push(u8::try_from(kind.len()).unwrap_or(u8::MAX));
    leaf.extend_from_slice(kind);
    leaf.extend_from_slice(&u16::try_from(by.len()).unwrap_or(u16::MAX).to_be_bytes());
    leaf.extend_from_slice(by);
    leaf
}

/// A stored leaf row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ledger_leaves)]
pub(crate) struct LeafRow {
    pub leaf_index: i64,
    pub leaf_hash: Vec<u8>,
    pub sha256: String,
    pub kind: String,
    pub filed_by: String,
    pub filed_at: NaiveDateTime,
}

impl LeafRow {
    /// The leaf's bytes as its columns say.
    pub(crate) fn encode(&self) -> Result<Vec<u8>> {
        Ok(encode_leaf(
            &parse_hash(&self.sha256, "sha256").map_err(|_| {
                RegistryError::Inconsistent(format!("leaf {}: bad sha256", self.leaf_index))
            })?,
            self.filed_at,
            LeafKind::parse(&self.kind)?,
            &self.filed_by,
        ))
    }

    fn into_leaf(self) -> Result<Leaf> {
        let leaf = hex::encode(self.encode()?);
        Ok(Leaf {
            leaf_index: self.leaf_index,
            leaf_hash: hex::encode(&self.leaf_hash),
            kind: LeafKind::parse(&self.kind)?,
            sha256: self.sha256,
            filed_by: self.filed_by,
            filed_at: self.filed_at,
            leaf,
        })
    }
}

/// Appends one leaf filed at `now` (see the module documentation); returns it, or the leaf
/// already holding this content and kind. Call it inside the transaction of the change it
/// records.
pub fn append(conn: &mut DbConn, now: NaiveDateTime, input: &LeafInput<'_>) -> Result<Leaf> {
    let mut leaves = append_all(conn, now, std::slice::from_ref(input))?;
    leaves
        .pop()
        .ok_or_else(|| RegistryError::Inconsistent("an append returned no leaf".into()))
}

/// Appends leaves filed at `now`, in order, in one go (multi-row inserts); returns one leaf per
/// input, new or already there.
pub fn append_all(
    conn: &mut DbConn,
    now: NaiveDateTime,
    inputs: &[LeafInput<'_>],
) -> Result<Vec<Leaf>> {
    let timed: Vec<(NaiveDateTime, LeafInput<'_>)> = inputs.iter().map(|i| (now, *i)).collect();
    append_timed(conn, &timed)
}

/// [`append_all`] with a filing time per leaf (the backfill keeps each document's own).
pub(crate) fn append_timed(
    conn: &mut DbConn,
    inputs: &[(NaiveDateTime, LeafInput<'_>)],
) -> Result<Vec<Leaf>> {
    for (i, (_, input)) in inputs.iter().enumerate() {
        parse_hash(input.sha256, "sha256")?;
        let field = if inputs.len() == 1 {
            "filed_by".to_owned()
        } else {
            format!("[{i}].filed_by")
        };
        if input.filed_by.trim().is_empty() || input.filed_by.len() > MAX_FILED_BY {
            return Err(RegistryError::invalid(
                Code::InvalidText,
                field,
                format!("must be 1 to {MAX_FILED_BY} bytes"),
            ));
        }
    }
    store::lock(conn)?;
    store::append_locked(conn, inputs)?
        .into_iter()
        .map(LeafRow::into_leaf)
        .collect()
}

/// How many leaves the log holds.
pub fn size(conn: &mut DbConn) -> Result<u64> {
    store::size(conn)
}

/// The first leaf holding the document `sha256` (any kind), if any.
pub fn find_leaf(conn: &mut DbConn, sha256: &str) -> Result<Option<Leaf>> {
    let hash = hex::encode(parse_hash(sha256, "sha256")?);
    ledger_leaves::table
        .filter(ledger_leaves::sha256.eq(&hash))
        .order(ledger_leaves::leaf_index)
        .select(LeafRow::as_select())
        .first(conn)
        .optional()?
        .map(LeafRow::into_leaf)
        .transpose()
}

/// The leaf at `index`; 404 when the log is shorter.
pub fn leaf_at(conn: &mut DbConn, index: i64) -> Result<Leaf> {
    ledger_leaves::table
        .find(index)
        .select(LeafRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(RegistryError::NotFound { entity: "leaf" })?
        .into_leaf()
}

/// Up to `limit` leaves (1 to 1000, else 422 `invalid_page`) from index `start`, in order.
pub fn list_leaves(conn: &mut DbConn, start: i64, limit: i64) -> Result<Vec<Leaf>> {
    if !(1..=1000).contains(&limit) {
        return Err(RegistryError::invalid(
            Code::InvalidPage,
            "limit",
            "must be 1 to 1000",
        ));
    }
    if start < 0 {
        return Err(RegistryError::invalid(
            Code::InvalidPage,
            "start",
            "must be 0 or more",
        ));
    }
    ledger_leaves::table
        .filter(ledger_leaves::leaf_index.ge(start))
        .order(ledger_leaves::leaf_index)
        .limit(limit)
        .select(LeafRow::as_select())
        .load(conn)?
        .into_iter()
        .map(LeafRow::into_leaf)
        .collect()
}

#[cfg(test)]
mod tests;

//! `lineage_nodes`: every identifier an event touches, as a BIGINT id (with its company-prefix
//! key), so that the identifier index and the lineage edges hold integers instead of URIs.
//!
//! Ids are handed out at capture ([`intern`]) and never change or get reused.
//!
//! Why integers: a walk is then a few bounded index reads on integers per level, and the
//! identifier index is less than half the size of the one on text (`2026-11-29-000040_trace`). The
//! EPC patterns of the event query's `MATCH_` parameters are read on `lineage_nodes.identifier`
//! ([`super::query`]). Nodes carry no foreign keys, nor do the identifier rows and edges on them:
//! capture writes them in the event's transaction, and per-row constraint triggers would cost more
//! than the rows.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};

use super::company_prefix;
use crate::db::{DbConn, like_escape, prefix_end};
use crate::error::Result;
use crate::schema::lineage_nodes;

/// Values per `IN (...)` list on SQLite (it allows 32766 bind values per statement).
const SQLITE_CHUNK: usize = 5000;

#[derive(QueryableByName)]
struct NodeRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    identifier: String,
}

/// The first `limit` known identifiers that start with `prefix`, in order (from the index on
/// both databases: PostgreSQL's `text_pattern_ops` answers `LIKE 'prefix%'`, SQLite gets the
/// equivalent byte range).
pub fn starting_with(conn: &mut DbConn, prefix: &str, limit: i64) -> Result<Vec<String>> {
    let found = match conn {
        DbConn::Pg(_) => lineage_nodes::table
            .filter(
                lineage_nodes::identifier
                    .like(format!("{}%", like_escape(prefix)))
                    .escape('\\'),
            )
            .select(lineage_nodes::identifier)
            .order(lineage_nodes::identifier)
            .limit(limit)
            .load(conn)?,
        DbConn::Sqlite(_) => lineage_nodes::table
            .filter(lineage_nodes::identifier.ge(prefix))
            .filter(lineage_nodes::identifier.lt(prefix_end(prefix)))
            .select(lineage_nodes::identifier)
            .order(lineage_nodes::identifier)
            .limit(limit)
            .load(conn)?,
    };
    Ok(found)
}

/// The ids of those of `identifiers` that are known; unknown ones are left out.
pub fn lookup<S: AsRef<str>>(conn: &mut DbConn, identifiers: &[S]) -> Result<HashMap<String, i64>> {
    let identifiers: Vec<&str> = identifiers.iter().map(AsRef::as_ref).collect();
    let mut found = HashMap::with_capacity(identifiers.len());
    match conn {
        DbConn::Pg(pg) => {
            let rows: Vec<(i64, String)> = lineage_nodes::table
                .filter(lineage_nodes::identifier.eq_any(&identifiers))
                .select((lineage_nodes::id, lineage_nodes::identifier))
                .load(pg)?;
            found.extend(rows.into_iter().map(|(id, s)| (s, id)));
        }
        DbConn::Sqlite(lite) => {
            for chunk in identifiers.chunks(SQLITE_CHUNK) {
                let rows: Vec<(i64, String)> = lineage_nodes::table
                    .filter(lineage_nodes::identifier.eq_any(chunk))
                    .select((lineage_nodes::id, lineage_nodes::identifier))
                    .load(lite)?;
                found.extend(rows.into_iter().map(|(id, s)| (s, id)));
            }
        }
    }
    Ok(found)
}

/// The identifiers of node ids (unknown ids are left out).
pub fn identifiers(conn: &mut DbConn, ids: &[i64]) -> Result<HashMap<i64, String>> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(SQLITE_CHUNK) {
        let rows: Vec<(i64, String)> = lineage_nodes::table
            .filter(lineage_nodes::id.eq_any(chunk))
            .select((lineage_nodes::id, lineage_nodes::identifier))
            .load(conn)?;
        found.extend(rows);
    }
    Ok(found)
}

/// The ids of `identifiers`, creating the missing ones, in the caller's transaction.
///
/// Concurrent captures may intern the same identifier: on PostgreSQL the insert skips what
/// another transaction added (`ON CONFLICT DO NOTHING`) and reads it back; on SQLite write
/// transactions take turns.
pub fn intern(conn: &mut DbConn, identifiers: &[&str]) -> Result<HashMap<String, i64>> {
    let mut known = lookup(conn, identifiers)?;
    let mut missing: Vec<&str> = identifiers
        .iter()
        .copied()
        .filter(|s| !known.contains_key(*s))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    if missing.is_empty() {
        return Ok(known);
    }
    let prefixes: Vec<String> = missing.iter().map(|s| company_prefix(s)).collect();
    match conn {
        DbConn::Pg(pg) => {
            let rows: Vec<NodeRow> = diesel::sql_query(
                "INSERT INTO lineage_nodes (identifier, company_prefix) \
                 SELECT * FROM unnest($1::text[], $2::text[]) \
                 ON CONFLICT (identifier) DO NOTHING RETURNING id, identifier",
            )
            .bind::<Array<Text>, _>(&missing)
            .bind::<Array<Text>, _>(&prefixes)
            .load(pg)?;
            known.extend(rows.into_iter().map(|r| (r.identifier, r.id)));
            let raced: Vec<&str> = missing
                .iter()
                .copied()
                .filter(|s| !known.contains_key(*s))
                .collect();
            if !raced.is_empty() {
                known.extend(lookup(conn, &raced)?);
            }
        }
        DbConn::Sqlite(lite) => {
            let pairs: Vec<(&str, &String)> = missing.iter().copied().zip(&prefixes).collect();
            for chunk in pairs.chunks(SQLITE_CHUNK) {
                let rows: Vec<_> = chunk
                    .iter()
                    .map(|(s, p)| {
                        (
                            lineage_nodes::identifier.eq(*s),
                            lineage_nodes::company_prefix.eq(*p),
                        )
                    })
                    .collect();
                let inserted: Vec<(i64, String)> = diesel::insert_into(lineage_nodes::table)
                    .values(&rows)
                    .returning((lineage_nodes::id, lineage_nodes::identifier))
                    .get_results(lite)?;
                known.extend(inserted.into_iter().map(|(id, s)| (s, id)));
            }
        }
    }
    Ok(known)
}

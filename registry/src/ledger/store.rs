//! The ledger's rows: the append lock, leaves and perfect-subtree nodes written together, and
//! nodes read back in one query per table.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::tree::{Frontier, Hash, NodeId, Span, leaf_hash, perfect_parts};
use super::{LeafInput, LeafRow, encode_leaf, parse_hash, to_millis};
use crate::db::DbConn;
use crate::error::{RegistryError, Result};
use crate::schema::{ledger_leaves, ledger_nodes};

/// The PostgreSQL advisory lock (for the transaction) under which leaves are appended and heads
/// published, so that replicas take indexes one after the other. SQLite has one writer.
const LEDGER_LOCK: i64 = 0x6c65_6467_6572_0018;

/// Rows per multi-row insert (SQLite allows 32,766 bound values; 6 columns a leaf).
const ROWS_PER_INSERT: usize = 2000;

/// Takes the ledger's lock until the end of the transaction (PostgreSQL; SQLite's writer holds
/// the database already).
pub(super) fn lock(conn: &mut DbConn) -> Result<()> {
    if let DbConn::Pg(pg) = conn {
        pg.batch_execute(&format!("SELECT pg_advisory_xact_lock({LEDGER_LOCK})"))?;
    }
    Ok(())
}

/// How many leaves: the highest index plus one (indexes are dense).
pub(super) fn size(conn: &mut DbConn) -> Result<u64> {
    let last: Option<i64> = ledger_leaves::table
        .select(diesel::dsl::max(ledger_leaves::leaf_index))
        .first(conn)?;
    Ok(last.map_or(0, |i| u64::try_from(i + 1).unwrap_or(0)))
}

fn to_hash(bytes: &[u8], what: &str) -> Result<Hash> {
    bytes
        .try_into()
        .map_err(|_| RegistryError::Inconsistent(format!("{what} is not 32 bytes")))
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The hashes of `ids` (leaves from `ledger_leaves`, larger subtrees from `ledger_nodes`), in
/// at most two queries; fails naming the first one missing.
pub(super) fn fetch(conn: &mut DbConn, ids: &[NodeId]) -> Result<HashMap<NodeId, Hash>> {
    let mut by_level: BTreeMap<u32, Vec<i64>> = BTreeMap::new();
    for id in ids {
        by_level.entry(id.level).or_default().push(to_i64(id.index));
    }
    let mut found = HashMap::with_capacity(ids.len());
    if let Some(leaves) = by_level.remove(&0) {
        let rows: Vec<(i64, Vec<u8>)> = ledger_leaves::table
            .filter(ledger_leaves::leaf_index.eq_any(leaves))
            .select((ledger_leaves::leaf_index, ledger_leaves::leaf_hash))
            .load(conn)?;
        for (index, hash) in rows {
            let id = NodeId {
                level: 0,
                index: u64::try_from(index).unwrap_or(0),
            };
            found.insert(id, to_hash(&hash, "a leaf hash")?);
        }
    }
    if !by_level.is_empty() {
        let mut query = ledger_nodes::table
            .select((
                ledger_nodes::level,
                ledger_nodes::node_index,
                ledger_nodes::hash,
            ))
            .into_boxed();
        for (i, (level, indexes)) in by_level.into_iter().enumerate() {
            let level = i32::try_from(level).unwrap_or(i32::MAX);
            let one = ledger_nodes::level
                .eq(level)
                .and(ledger_nodes::node_index.eq_any(indexes));
            query = if i == 0 {
                query.filter(one)
            } else {
                query.or_filter(one)
            };
        }
        for (level, index, hash) in query.load::<(i32, i64, Vec<u8>)>(conn)? {
            let id = NodeId {
                level: u32::try_from(level).unwrap_or(0),
                index: u64::try_from(index).unwrap_or(0),
            };
            found.insert(id, to_hash(&hash, "a node hash")?);
        }
    }
    if let Some(missing) = ids.iter().find(|id| !found.contains_key(id)) {
        return Err(RegistryError::Inconsistent(format!(
            "ledger node (level {}, index {}) is missing",
            missing.level, missing.index
        )));
    }
    Ok(found)
}

/// The MTH of each span, reading every perfect subtree they need in one go.
pub(super) fn span_hashes(conn: &mut DbConn, spans: &[Span]) -> Result<Vec<Hash>> {
    let ids: Vec<NodeId> = spans.iter().flat_map(|s| perfect_parts(*s)).collect();
    let nodes = fetch(conn, &ids)?;
    spans
        .iter()
        .map(|s| {
            super::tree::span_hash(*s, |id| nodes.get(&id).copied())
                .ok_or_else(|| RegistryError::Inconsistent("a ledger node is missing".into()))
        })
        .collect()
}

/// The right edge of the tree of `size` leaves, read from the store.
fn frontier(conn: &mut DbConn, size: u64) -> Result<Frontier> {
    let ids = perfect_parts(Span {
        start: 0,
        end: size,
    });
    let nodes = fetch(conn, &ids)?;
    let edge = ids.iter().map(|id| (*id, nodes[id])).collect();
    Ok(Frontier::from_edge(size, edge))
}

/// Appends `inputs` under the lock (taken by the caller): leaves already there (same content
/// and kind) are returned as they are; the others get the next indexes, and the nodes they
/// complete are written with them. Returns a row per input, in order.
pub(super) fn append_locked(
    conn: &mut DbConn,
    inputs: &[(NaiveDateTime, LeafInput<'_>)],
) -> Result<Vec<LeafRow>> {
    let hashes: Vec<String> = inputs
        .iter()
        .map(|(_, i)| i.sha256.trim().to_ascii_lowercase())
        .collect();
    let mut known: HashMap<(String, String), LeafRow> = HashMap::new();
    for chunk in hashes.chunks(ROWS_PER_INSERT) {
        let rows: Vec<LeafRow> = ledger_leaves::table
            .filter(ledger_leaves::sha256.eq_any(chunk))
            .select(LeafRow::as_select())
            .load(conn)?;
        for row in rows {
            known.insert((row.sha256.clone(), row.kind.clone()), row);
        }
    }
    let current = size(conn)?;
    let mut tree = frontier(conn, current)?;
    let (mut leaves, mut nodes, mut out) =
        (Vec::new(), Vec::new(), Vec::with_capacity(inputs.len()));
    for ((at, input), sha256) in inputs.iter().zip(hashes) {
        let key = (sha256, input.kind.as_str().to_owned());
        if let Some(row) = known.get(&key) {
            out.push(row.clone());
            continue;
        }
        let filed_at = to_millis(*at);
        let leaf = encode_leaf(
            &parse_hash(&key.0, "sha256")?,
            filed_at,
            input.kind,
            input.filed_by,
        );
        let hash = leaf_hash(&leaf);
        let row = LeafRow {
            leaf_index: to_i64(tree.size()),
            leaf_hash: hash.to_vec(),
            sha256: key.0.clone(),
            kind: key.1.clone(),
            filed_by: input.filed_by.to_owned(),
            filed_at,
        };
        nodes.extend(tree.push(hash));
        known.insert(key, row.clone());
        leaves.push(row.clone());
        out.push(row);
    }
    insert_leaves(conn, &leaves)?;
    insert_nodes(conn, &nodes)?;
    Ok(out)
}

fn insert_leaves(conn: &mut DbConn, leaves: &[LeafRow]) -> Result<()> {
    for chunk in leaves.chunks(ROWS_PER_INSERT) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|l| {
                (
                    ledger_leaves::leaf_index.eq(l.leaf_index),
                    ledger_leaves::leaf_hash.eq(&l.leaf_hash),
                    ledger_leaves::sha256.eq(&l.sha256),
                    ledger_leaves::kind.eq(&l.kind),
                    ledger_leaves::filed_by.eq(&l.filed_by),
                    ledger_leaves::filed_at.eq(l.filed_at),
                )
            })
            .collect();
        // Multi-row inserts run on the concrete connection (diesel's batch insert does not
        // pass through MultiConnection).
        match conn {
            DbConn::Pg(pg) => diesel::insert_into(ledger_leaves::table)
                .values(&rows)
                .execute(pg)?,
            DbConn::Sqlite(lite) => diesel::insert_into(ledger_leaves::table)
                .values(&rows)
                .execute(lite)?,
        };
    }
    Ok(())
}

fn insert_nodes(conn: &mut DbConn, nodes: &[(NodeId, Hash)]) -> Result<()> {
    for chunk in nodes.chunks(ROWS_PER_INSERT) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(id, hash)| {
                (
                    ledger_nodes::level.eq(i32::try_from(id.level).unwrap_or(i32::MAX)),
                    ledger_nodes::node_index.eq(to_i64(id.index)),
                    ledger_nodes::hash.eq(hash.to_vec()),
                )
            })
            .collect();
        match conn {
            DbConn::Pg(pg) => diesel::insert_into(ledger_nodes::table)
                .values(&rows)
                .execute(pg)?,
            DbConn::Sqlite(lite) => diesel::insert_into(ledger_nodes::table)
                .values(&rows)
                .execute(lite)?,
        };
    }
    Ok(())
}

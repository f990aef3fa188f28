//! The whole log checked against itself and its heads (`hub ledger verify`): every leaf hash
//! recomputed from its columns, indexes dense, every stored node recomputed from the leaves,
//! every head's root recomputed, its signature checked (by the caller, who has the key), and
//! each head proven consistent with the one before it through the stored nodes.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;

use super::heads::{SignedHead, all_heads};
use super::tree::{Frontier, Hash, leaf_hash, verify_consistency};
use super::{LeafRow, consistency_proof};
use crate::db::DbConn;
use crate::error::Result;
use crate::schema::{ledger_leaves, ledger_nodes};

/// Leaves read per query.
const PAGE: i64 = 10_000;

/// Problems reported at most (the first ones; the count says how many more).
const MAX_PROBLEMS: usize = 100;

/// What [`check_log`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogReport {
    pub leaves: u64,
    pub nodes: u64,
    pub heads: u64,
    /// Each mismatch, in words (at most 100).
    pub problems: Vec<String>,
    /// How many problems there were in all.
    pub problem_count: u64,
}

impl LogReport {
    fn problem(&mut self, text: String) {
        self.problem_count += 1;
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(text);
        }
    }

    /// Whether the log holds together.
    pub fn intact(&self) -> bool {
        self.problem_count == 0
    }
}

/// Checks the whole log; `signature` says whether a head's signature holds (`Err` with why
/// not). Reads the leaves a page at a time: memory stays bounded at any size.
pub fn check_log(
    conn: &mut DbConn,
    signature: &mut dyn FnMut(&SignedHead) -> std::result::Result<(), String>,
) -> Result<LogReport> {
    let mut report = LogReport::default();
    let heads = all_heads(conn)?;
    let mut pending = heads.iter().peekable();
    let mut tree = Frontier::new();
    loop {
        let rows: Vec<LeafRow> = ledger_leaves::table
            .filter(ledger_leaves::leaf_index.ge(i64::try_from(tree.size()).unwrap_or(i64::MAX)))
            .order(ledger_leaves::leaf_index)
            .limit(PAGE)
            .select(LeafRow::as_select())
            .load(conn)?;
        if rows.is_empty() {
            break;
        }
        let mut computed: BTreeMap<u32, HashMap<u64, Hash>> = BTreeMap::new();
        for row in rows {
            let expected = i64::try_from(tree.size()).unwrap_or(i64::MAX);
            if row.leaf_index != expected {
                report.problem(format!(
                    "leaf {expected} is missing (the next stored leaf is {}): indexes must be dense",
                    row.leaf_index
                ));
                return finish(conn, report, &heads, tree.size(), signature);
            }
            // The stored hash is what proofs are made of: the tree is rebuilt from it, and each
            // stored hash checked against its row, so an edit is named once, where it is.
            let stored: Hash = row.leaf_hash.as_slice().try_into().unwrap_or([0; 32]);
            match row.encode() {
                Ok(leaf) if leaf_hash(&leaf) == stored && row.leaf_hash.len() == 32 => {}
                Ok(_) => report.problem(format!(
                    "leaf {expected}: its stored hash is not the hash of its columns (sha256 {}, filed by {:?}): the row was changed",
                    row.sha256, row.filed_by
                )),
                Err(e) => report.problem(format!("leaf {expected}: {e}")),
            }
            let hash = stored;
            for (id, node) in tree.push(hash) {
                computed.entry(id.level).or_default().insert(id.index, node);
            }
            while let Some(head) = pending.next_if(|h| h.tree_size == expected + 1) {
                match head.root() {
                    Ok(root) if root == tree.root() => {}
                    _ => report.problem(format!(
                        "head of size {}: its root {} is not the root of the log's first {} leaves ({})",
                        head.tree_size,
                        head.root_hash,
                        head.tree_size,
                        hex::encode(tree.root())
                    )),
                }
            }
        }
        compare_nodes(conn, &computed, &mut report)?;
    }
    finish(conn, report, &heads, tree.size(), signature)
}

/// Compares the nodes a page of leaves completed with the stored ones.
fn compare_nodes(
    conn: &mut DbConn,
    computed: &BTreeMap<u32, HashMap<u64, Hash>>,
    report: &mut LogReport,
) -> Result<()> {
    for (level, nodes) in computed {
        let (Some(low), Some(high)) = (nodes.keys().min(), nodes.keys().max()) else {
            continue;
        };
        let stored: HashMap<i64, Vec<u8>> = ledger_nodes::table
            .filter(ledger_nodes::level.eq(i32::try_from(*level).unwrap_or(i32::MAX)))
            .filter(ledger_nodes::node_index.between(
                i64::try_from(*low).unwrap_or(i64::MAX),
                i64::try_from(*high).unwrap_or(i64::MAX),
            ))
            .select((ledger_nodes::node_index, ledger_nodes::hash))
            .load::<(i64, Vec<u8>)>(conn)?
            .into_iter()
            .collect();
        let mut wrong: Vec<&u64> = nodes
            .iter()
            .filter(|(index, hash)| {
                let index = i64::try_from(**index).unwrap_or(i64::MAX);
                stored
                    .get(&index)
                    .is_none_or(|s| s.as_slice() != hash.as_slice())
            })
            .map(|(index, _)| index)
            .collect();
        wrong.sort_unstable();
        for index in wrong {
            report.problem(format!(
                "node (level {level}, index {index}) is missing or not the hash of its leaves: proofs through it fail"
            ));
        }
    }
    Ok(())
}

/// The checks after the leaves: nodes beyond the tree, heads beyond the log, signatures,
/// times, and the consistency between consecutive heads.
fn finish(
    conn: &mut DbConn,
    mut report: LogReport,
    heads: &[SignedHead],
    size: u64,
    signature: &mut dyn FnMut(&SignedHead) -> std::result::Result<(), String>,
) -> Result<LogReport> {
    report.leaves = size;
    report.heads = heads.len() as u64;
    let stored: i64 = ledger_nodes::table.count().get_result(conn)?;
    report.nodes = u64::try_from(stored).unwrap_or(0);
    let expected: u64 = (1..64).map(|level| size >> level).sum();
    if report.nodes != expected {
        report.problem(format!(
            "{} nodes are stored where a log of {size} leaves has {expected}",
            report.nodes
        ));
    }
    let mut previous: Option<&SignedHead> = None;
    for head in heads {
        if u64::try_from(head.tree_size).unwrap_or(u64::MAX) > size {
            report.problem(format!(
                "head of size {} is beyond the log's {size} leaves: leaves were removed",
                head.tree_size
            ));
            continue;
        }
        if let Err(why) = signature(head) {
            report.problem(format!("head of size {}: {why}", head.tree_size));
        }
        if let Some(before) = previous {
            if head.timestamp < before.timestamp {
                report.problem(format!(
                    "head of size {} is older than the head of size {} before it",
                    head.tree_size, before.tree_size
                ));
            }
            let consistent =
                consistency_proof(conn, before.tree_size, head.tree_size).is_ok_and(|proof| {
                    let path: Option<Vec<Hash>> = proof
                        .consistency_path
                        .iter()
                        .map(|h| hex::decode(h).ok().and_then(|b| b.try_into().ok()))
                        .collect();
                    match (path, before.root(), head.root()) {
                        (Some(path), Ok(first), Ok(second)) => verify_consistency(
                            u64::try_from(before.tree_size).unwrap_or(0),
                            u64::try_from(head.tree_size).unwrap_or(0),
                            &first,
                            &second,
                            &path,
                        ),
                        _ => false,
                    }
                });
            if !consistent {
                report.problem(format!(
                    "head of size {} is not consistent with the head of size {}: the log was rewritten between them",
                    head.tree_size, before.tree_size
                ));
            }
        }
        previous = Some(head);
    }
    Ok(report)
}

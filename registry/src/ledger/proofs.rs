//! Inclusion and consistency proofs, and the root of the tree at any size, from the stored
//! perfect subtrees: `O(log n)` rows in two queries, whatever `n`.

use serde::Serialize;

use super::store::{self, span_hashes};
use super::tree::{Hash, Span, consistency_spans, inclusion_spans};
use crate::db::DbConn;
use crate::error::{Code, RegistryError, Result};

/// That leaf `leaf_index` is in the tree of `tree_size` leaves (RFC 9162 §2.1.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct InclusionProof {
    pub leaf_index: i64,
    pub tree_size: i64,
    /// The leaf's hash, hex.
    pub leaf_hash: String,
    /// The root of the tree of `tree_size` leaves, hex (compare it with a signed head's).
    pub root_hash: String,
    /// The audit path, from the leaf's sibling up, hex.
    pub audit_path: Vec<String>,
}

/// That the tree of `second` leaves extends the tree of `first` (RFC 9162 §2.1.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ConsistencyProof {
    pub first: i64,
    pub second: i64,
    /// The root of the tree of `first` leaves, hex.
    pub first_root: String,
    /// The root of the tree of `second` leaves, hex.
    pub second_root: String,
    /// The proof's hashes, hex (empty when the sizes are equal).
    pub consistency_path: Vec<String>,
}

/// A tree size given by a caller, within the log (1 to its size); 422 `invalid_tree_size` on
/// `field` otherwise.
fn tree_size(conn: &mut DbConn, size: i64, field: &str) -> Result<u64> {
    let log = store::size(conn)?;
    match u64::try_from(size) {
        Ok(n) if n >= 1 && n <= log => Ok(n),
        _ => Err(RegistryError::invalid(
            Code::InvalidTreeSize,
            field,
            format!("must be 1 to the log's size, {log}"),
        )),
    }
}

fn hex_all(hashes: &[Hash]) -> Vec<String> {
    hashes.iter().map(hex::encode).collect()
}

fn whole(size: u64) -> Span {
    Span {
        start: 0,
        end: size,
    }
}

/// The root of the tree of `size` leaves (1 to the log's size).
pub fn root_at(conn: &mut DbConn, size: i64) -> Result<Hash> {
    let n = tree_size(conn, size, "tree_size")?;
    Ok(span_hashes(conn, &[whole(n)])?[0])
}

/// The inclusion proof of leaf `leaf_index` in the tree of `tree_size` leaves, with that tree's
/// root. 422 `invalid_tree_size` beyond the log, `invalid_leaf_index` unless below the size.
pub fn inclusion_proof(
    conn: &mut DbConn,
    leaf_index: i64,
    tree_size_: i64,
) -> Result<InclusionProof> {
    let n = tree_size(conn, tree_size_, "tree_size")?;
    let m = match u64::try_from(leaf_index) {
        Ok(m) if m < n => m,
        _ => {
            return Err(RegistryError::invalid(
                Code::InvalidLeafIndex,
                "leaf_index",
                format!("must be 0 to {}, below the tree size", n - 1),
            ));
        }
    };
    let mut spans = vec![
        Span {
            start: m,
            end: m + 1,
        },
        whole(n),
    ];
    spans.extend(inclusion_spans(m, n));
    let hashes = span_hashes(conn, &spans)?;
    Ok(InclusionProof {
        leaf_index,
        tree_size: tree_size_,
        leaf_hash: hex::encode(hashes[0]),
        root_hash: hex::encode(hashes[1]),
        audit_path: hex_all(&hashes[2..]),
    })
}

/// The consistency proof from the tree of `first` leaves to the tree of `second`, with both
/// roots. 422 `invalid_tree_size` unless `1 <= first <= second <= size`.
pub fn consistency_proof(conn: &mut DbConn, first: i64, second: i64) -> Result<ConsistencyProof> {
    let n = tree_size(conn, second, "second")?;
    let m = match u64::try_from(first) {
        Ok(m) if m >= 1 && m <= n => m,
        _ => {
            return Err(RegistryError::invalid(
                Code::InvalidTreeSize,
                "first",
                format!("must be 1 to second ({n})"),
            ));
        }
    };
    let mut spans = vec![whole(m), whole(n)];
    spans.extend(consistency_spans(m, n));
    let hashes = span_hashes(conn, &spans)?;
    Ok(ConsistencyProof {
        first,
        second,
        first_root: hex::encode(hashes[0]),
        second_root: hex::encode(hashes[1]),
        consistency_path: hex_all(&hashes[2..]),
    })
}

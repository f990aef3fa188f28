//! The Merkle tree math of RFC 9162 §2.1 (Certificate Transparency 2.0, the same tree as
//! RFC 6962), pure: no database, no time.
//!
//! - A leaf's hash is `SHA-256(0x00 || leaf)`, an interior node's `SHA-256(0x01 || left ||
//!   right)`: the prefixes keep a leaf from passing for a node (§2.1.1).
//! - `MTH(D[n])` over `n` leaves splits at `k`, the largest power of two below `n`:
//!   `MTH(D[0:k])` on the left, `MTH(D[k:n])` on the right; the empty tree's hash is `SHA-256()`.
//! - An inclusion proof (`PATH`, §2.1.3.1) and a consistency proof (`PROOF`, §2.1.4.1) are lists
//!   of subtree hashes. Here they are first planned as [`Span`]s (which leaves each element
//!   hashes), then each span is hashed from its *perfect* subtrees ([`perfect_parts`]): a span
//!   of the RFC's recursion always starts on a multiple of its largest power of two, so it is at
//!   most `log2(n)` perfect subtrees, each stored once as the log grows. A proof is therefore
//!   `O(log n)` lookups, whatever the size of the log.
//! - [`verify_inclusion`] and [`verify_consistency`] are the RFC's verification algorithms
//!   (§2.1.3.2, §2.1.4.2), used by `hub ledger verify` and by the tests.
//! - [`Frontier`] is the right edge of a growing tree: the perfect subtrees of the binary
//!   decomposition of its size. Pushing a leaf yields the interior nodes it completes, which
//!   the store writes (`ledger_nodes`).

use sha2::{Digest, Sha256};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// `SHA-256(0x00 || leaf)`.
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x00]);
    hasher.update(leaf);
    hasher.finalize().into()
}

/// `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x01]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The hash of the empty tree, `SHA-256()`.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The largest power of two strictly below `n` (`n >= 2`).
fn split(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// The leaves `[start, end)` of the log, whose MTH is one element of a proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: u64,
    pub end: u64,
}

/// A perfect subtree: `2^level` leaves from `index * 2^level`. Level 0 is a leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    pub level: u32,
    pub index: u64,
}

impl NodeId {
    /// The leaves it covers.
    pub fn span(self) -> Span {
        Span {
            start: self.index << self.level,
            end: (self.index + 1) << self.level,
        }
    }
}

/// The perfect subtrees that make up `span`, left to right, as the RFC's recursion splits it:
/// the largest aligned power of two first. Empty for an empty span.
pub fn perfect_parts(span: Span) -> Vec<NodeId> {
    let mut parts = Vec::new();
    let mut start = span.start;
    while start < span.end {
        let len = span.end - start;
        // The largest power of two not above `len` that `start` is aligned to.
        let mut level = 63 - len.leading_zeros();
        while level > 0 && start % (1 << level) != 0 {
            level -= 1;
        }
        parts.push(NodeId {
            level,
            index: start >> level,
        });
        start += 1 << level;
    }
    parts
}

/// The MTH of `span` from the hashes of its perfect parts (`None` if `lookup` lacks one):
/// `MTH = node(first part, MTH(rest))`, folded from the right.
pub fn span_hash(span: Span, mut lookup: impl FnMut(NodeId) -> Option<Hash>) -> Option<Hash> {
    let parts = perfect_parts(span);
    let mut parts = parts.iter().rev();
    let Some(last) = parts.next() else {
        return Some(empty_root());
    };
    let mut hash = lookup(*last)?;
    for part in parts {
        hash = node_hash(&lookup(*part)?, &hash);
    }
    Some(hash)
}

/// The spans of the inclusion proof of leaf `index` in the tree of `size` leaves (RFC 9162
/// `PATH(m, D[n])`), from the leaf's sibling up to the root's child. Needs `index < size`.
pub fn inclusion_spans(index: u64, size: u64) -> Vec<Span> {
    fn path(m: u64, start: u64, end: u64, out: &mut Vec<Span>) {
        let n = end - start;
        if n <= 1 {
            return;
        }
        let k = split(n);
        if m < k {
            path(m, start, start + k, out);
            out.push(Span {
                start: start + k,
                end,
            });
        } else {
            path(m - k, start + k, end, out);
            out.push(Span {
                start,
                end: start + k,
            });
        }
    }
    let mut out = Vec::new();
    if index < size {
        path(index, 0, size, &mut out);
    }
    out
}

/// The spans of the consistency proof from the tree of `first` leaves to the tree of `second`
/// (RFC 9162 `PROOF(m, D[n])`). Empty when `first` is 0 or equals `second`; needs
/// `first <= second`.
pub fn consistency_spans(first: u64, second: u64) -> Vec<Span> {
    fn subproof(m: u64, start: u64, end: u64, whole: bool, out: &mut Vec<Span>) {
        let n = end - start;
        if m == n {
            if !whole {
                out.push(Span { start, end });
            }
            return;
        }
        let k = split(n);
        if m <= k {
            subproof(m, start, start + k, whole, out);
            out.push(Span {
                start: start + k,
                end,
            });
        } else {
            subproof(m - k, start + k, end, false, out);
            out.push(Span {
                start,
                end: start + k,
            });
        }
    }
    let mut out = Vec::new();
    if 0 < first && first < second {
        subproof(first, 0, second, true, &mut out);
    }
    out
}

/// Right-shifts `fn_` and `sn` together until `fn_` is odd or 0 (the RFC's "right-shift both
/// equally until either LSB(fn) is set or fn is 0").
fn shift_while_even(fn_: &mut u64, sn: &mut u64) {
    while *fn_ & 1 == 0 && *fn_ != 0 {
        *fn_ >>= 1;
        *sn >>= 1;
    }
}

/// RFC 9162 §2.1.3.2: whether `path` proves leaf hash `leaf` at `index` in the tree of `size`
/// leaves whose root is `root`.
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, path: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut fn_, mut sn, mut r) = (index, size - 1, *leaf);
    for p in path {
        if sn == 0 {
            return false;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            shift_while_even(&mut fn_, &mut sn);
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    sn == 0 && &r == root
}

/// RFC 9162 §2.1.4.2: whether `path` proves that the tree of `second` leaves with root
/// `second_root` extends the tree of `first` leaves with root `first_root`. Equal sizes need
/// an empty proof and equal roots.
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &Hash,
    second_root: &Hash,
    path: &[Hash],
) -> bool {
    if first == 0 || first > second {
        return false;
    }
    if first == second {
        return path.is_empty() && first_root == second_root;
    }
    if path.is_empty() {
        return false;
    }
    let mut path: Vec<Hash> = path.to_vec();
    if first.is_power_of_two() {
        path.insert(0, *first_root);
    }
    let (mut fn_, mut sn) = (first - 1, second - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if sn == 0 {
            return false;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            shift_while_even(&mut fn_, &mut sn);
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    &fr == first_root && &sr == second_root && sn == 0
}

/// The right edge of a tree being built leaf by leaf: the perfect subtrees of the binary
/// decomposition of its size, left to right (largest first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    edge: Vec<(NodeId, Hash)>,
}

impl Frontier {
    /// The empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// The tree of `size` leaves whose right edge is `edge` (the hashes of
    /// `perfect_parts(0..size)`, in that order).
    pub fn from_edge(size: u64, edge: Vec<(NodeId, Hash)>) -> Self {
        Self { size, edge }
    }

    /// How many leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends a leaf hash; returns the interior nodes it completes, lowest first.
    pub fn push(&mut self, leaf: Hash) -> Vec<(NodeId, Hash)> {
        let mut completed = Vec::new();
        let mut top = (
            NodeId {
                level: 0,
                index: self.size,
            },
            leaf,
        );
        while let Some(&(left, left_hash)) = self.edge.last() {
            if left.level != top.0.level {
                break;
            }
            self.edge.pop();
            top = (
                NodeId {
                    level: left.level + 1,
                    index: left.index >> 1,
                },
                node_hash(&left_hash, &top.1),
            );
            completed.push(top);
        }
        self.edge.push(top);
        self.size += 1;
        completed
    }

    /// The MTH of the tree so far.
    pub fn root(&self) -> Hash {
        let mut parts = self.edge.iter().rev();
        let Some(&(_, last)) = parts.next() else {
            return empty_root();
        };
        parts.fold(last, |right, (_, left)| node_hash(left, &right))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn h(hex: &str) -> Hash {
        hex::decode(hex).unwrap().try_into().unwrap()
    }

    /// MTH straight from the definition (§2.1.1), over leaf hashes.
    fn mth(d: &[Hash]) -> Hash {
        match d.len() {
            0 => empty_root(),
            1 => d[0],
            n => {
                let k = split(n as u64) as usize;
                node_hash(&mth(&d[..k]), &mth(&d[k..]))
            }
        }
    }

    /// The eight leaves of the CT reference implementations' test vectors, and the roots of
    /// their first 1..8 (computed independently, with Python's hashlib).
    fn vector_leaves() -> Vec<Hash> {
        let leaves: [&[u8]; 8] = [
            b"",
            b"\x00",
            b"\x10",
            b"\x20\x21",
            b"\x30\x31",
            b"\x40\x41\x42\x43",
            b"\x50\x51\x52\x53\x54\x55\x56\x57",
            b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
        ];
        leaves.iter().map(|l| leaf_hash(l)).collect()
    }

    const ROOTS: [&str; 8] = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    /// Every perfect subtree of `leaves`, as the store keeps them.
    fn store(leaves: &[Hash]) -> HashMap<NodeId, Hash> {
        let mut nodes = HashMap::new();
        let mut frontier = Frontier::new();
        for (i, leaf) in leaves.iter().enumerate() {
            nodes.insert(
                NodeId {
                    level: 0,
                    index: i as u64,
                },
                *leaf,
            );
            nodes.extend(frontier.push(*leaf));
        }
        nodes
    }

    fn hashes(spans: &[Span], nodes: &HashMap<NodeId, Hash>) -> Vec<Hash> {
        spans
            .iter()
            .map(|s| span_hash(*s, |id| nodes.get(&id).copied()).unwrap())
            .collect()
    }

    #[test]
    fn roots_match_the_known_vectors() {
        let leaves = vector_leaves();
        assert_eq!(
            leaves[0],
            h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        );
        assert_eq!(
            hex::encode(empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let mut frontier = Frontier::new();
        for (n, root) in ROOTS.iter().enumerate() {
            frontier.push(leaves[n]);
            assert_eq!(hex::encode(mth(&leaves[..=n])), *root, "MTH of {}", n + 1);
            assert_eq!(hex::encode(frontier.root()), *root, "frontier of {}", n + 1);
        }
    }

    #[test]
    fn proofs_match_the_known_vectors() {
        let leaves = vector_leaves();
        let nodes = store(&leaves);
        let path = |m, n| {
            hashes(&inclusion_spans(m, n), &nodes)
                .iter()
                .map(hex::encode)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            path(0, 8),
            [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ]
        );
        assert_eq!(path(2, 3), [ROOTS[1]]);
        assert_eq!(path(0, 1), Vec::<String>::new());
        let proof = |m, n| {
            hashes(&consistency_spans(m, n), &nodes)
                .iter()
                .map(|x| hex::encode(x)[..16].to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            proof(6, 8),
            ["0ebc5d3437fbe2db", "ca854ea128ed050b", "d37ee418976dd957"]
        );
        assert_eq!(
            proof(3, 7),
            [
                "0298d122906dcfc1",
                "07506a85fd9dd2f1",
                "fac54203e7cc696c",
                "837dbb152e9b0790"
            ]
        );
        assert_eq!(proof(4, 7), ["837dbb152e9b0790"]);
        assert!(proof(8, 8).is_empty());
    }

    #[test]
    fn every_proof_up_to_70_leaves_verifies_and_a_tampered_one_does_not() {
        let leaves: Vec<Hash> = (0u32..70).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let nodes = store(&leaves);
        let other = leaf_hash(b"other");
        for n in 1..=leaves.len() as u64 {
            let root = mth(&leaves[..n as usize]);
            assert_eq!(
                span_hash(Span { start: 0, end: n }, |id| nodes.get(&id).copied()),
                Some(root)
            );
            for m in 0..n {
                let path = hashes(&inclusion_spans(m, n), &nodes);
                let leaf = &leaves[m as usize];
                assert!(verify_inclusion(leaf, m, n, &path, &root), "{m} in {n}");
                assert!(!verify_inclusion(&other, m, n, &path, &root));
                if let Some(first) = path.first() {
                    let mut bad = path.clone();
                    bad[0] = node_hash(first, first);
                    assert!(!verify_inclusion(leaf, m, n, &bad, &root));
                }
            }
            for m in 1..=n {
                let first_root = mth(&leaves[..m as usize]);
                let proof = hashes(&consistency_spans(m, n), &nodes);
                assert!(
                    verify_consistency(m, n, &first_root, &root, &proof),
                    "{m} to {n}"
                );
                if m < n {
                    assert!(!verify_consistency(m, n, &other, &root, &proof));
                    assert!(!verify_consistency(m, n, &first_root, &other, &proof));
                    assert!(!verify_consistency(m, n, &first_root, &root, &[]));
                }
            }
        }
    }

    #[test]
    fn proofs_need_few_perfect_subtrees() {
        let n = 1_000_000u64;
        for m in [0, 1, 524_287, 524_288, 999_999] {
            let lookups: usize = inclusion_spans(m, n)
                .iter()
                .map(|s| perfect_parts(*s).len())
                .sum();
            assert!(lookups <= 2 * 20, "{m}: {lookups}");
        }
        let lookups: usize = consistency_spans(700_001, n)
            .iter()
            .map(|s| perfect_parts(*s).len())
            .sum();
        assert!(lookups <= 3 * 20, "{lookups}");
    }

    #[test]
    fn the_frontier_yields_each_interior_node_once() {
        let mut frontier = Frontier::new();
        let mut completed = Vec::new();
        for i in 0u32..8 {
            completed.extend(
                frontier
                    .push(leaf_hash(&i.to_be_bytes()))
                    .into_iter()
                    .map(|(id, _)| (id.level, id.index)),
            );
        }
        assert_eq!(
            completed,
            [(1, 0), (1, 1), (2, 0), (1, 2), (1, 3), (2, 1), (3, 0)]
        );
        assert_eq!(
            perfect_parts(Span { start: 0, end: 13 }),
            [
                NodeId { level: 3, index: 0 },
                NodeId { level: 2, index: 2 },
                NodeId {
                    level: 0,
                    index: 12
                },
            ]
        );
    }
}

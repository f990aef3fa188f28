//! The evidence ledger's tables: leaves, the hashes of perfect subtrees, signed tree heads.

diesel::table! {
    ledger_leaves (leaf_index) {
        leaf_index -> BigInt,
        leaf_hash -> Binary,
        sha256 -> Text,
        kind -> Text,
        filed_by -> Text,
        filed_at -> Timestamp,
    }
}

diesel::table! {
    ledger_nodes (level, node_index) {
        level -> Integer,
        node_index -> BigInt,
        hash -> Binary,
    }
}

diesel::table! {
    ledger_heads (tree_size) {
        tree_size -> BigInt,
        root_hash -> Binary,
        signed_at -> Timestamp,
        key_id -> Text,
        signature -> Binary,
    }
}

diesel::allow_tables_to_appear_in_same_query!(ledger_leaves, ledger_nodes, ledger_heads);
// The catch-up of documents filed before the ledger looks for their contents in it.
use super::{documents, enterprises};
diesel::allow_tables_to_appear_in_same_query!(ledger_leaves, documents);
diesel::allow_tables_to_appear_in_same_query!(ledger_leaves, enterprises);

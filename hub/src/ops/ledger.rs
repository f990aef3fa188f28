//! The evidence ledger's one change: publishing a signed tree head (leaves are appended by
//! the changes that file documents, in their own transactions). Also the reads the API and the
//! customs page share: what the ledger says about a content hash.

use chrono::NaiveDateTime;
use registry::RegistryError;
use registry::db::DbConn;
use registry::ledger::{self, LeafKind, SignedHead};
use serde::Serialize;
use serde_json::json;

use super::{Change, Origin, audited};
use crate::app::Core;
use crate::error::ApiError;

/// Signs and stores a head of the log as it is now, if it grew since the last head (after
/// appending any document filed before the ledger existed); `None` when there is nothing new.
/// One transaction under the ledger's lock, with its audit row.
pub fn publish(core: &Core, origin: &Origin) -> Result<Option<SignedHead>, ApiError> {
    let key = core.ledger_signer()?;
    audited(core, origin, "ledger.publish", |conn, now| {
        let backfilled = ledger::backfill_documents(conn)?;
        let Some(head) = ledger::next_head(conn, now)? else {
            return Ok(Change::unwritten(None));
        };
        let signature = key.sign(&head.signed_bytes()).map_err(ApiError::internal)?;
        let signed = ledger::store_head(conn, &head, key.key_id(), &signature)?;
        let detail = json!({ "tree_size": signed.tree_size, "root_hash": signed.root_hash, "key_id": signed.key_id, "backfilled": backfilled });
        let target = format!("ledger_head:{}", signed.tree_size);
        Ok(Change::recorded(Some(signed), target, detail))
    })
}

/// What the ledger says about a content: whether it is in the log, its leaf, and, when a
/// signed head covers the leaf, its audit path in that head's tree. Leaf fields are null when
/// the content is not in the log.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LedgerVerification {
    /// Whether the content is in the log.
    pub found: bool,
    /// The content's SHA-256 asked about, hex.
    pub sha256: String,
    pub leaf_index: Option<i64>,
    /// `SHA-256(0x00 || leaf)`, hex.
    pub leaf_hash: Option<String>,
    pub kind: Option<LeafKind>,
    /// Who filed it (an enterprise: its credit code and name).
    pub filed_by: Option<String>,
    #[serde(with = "registry::time::as_rfc3339::option")]
    pub filed_at: Option<NaiveDateTime>,
    /// The leaf's bytes, hex (see `GET /ledger/leaves`).
    pub leaf: Option<String>,
    /// The signed head the proof is against: the one asked for, else the latest (null before
    /// the first publication).
    pub head: Option<SignedHead>,
    /// The leaf's audit path in the head's tree, from the leaf's sibling up, hex; null when not
    /// found, or when the leaf came after the head (the next publication covers it).
    pub proof: Option<Vec<String>>,
    /// Whether the hub checked the proof against the head's root (RFC 9162 §2.1.3.2).
    pub proof_verified: bool,
}

/// Looks `sha256` up in the log and proves it against the head of `tree_size` (a signed
/// head's size; 404 when there is none of that size), or the latest head.
pub fn verify(
    conn: &mut DbConn,
    sha256: &str,
    tree_size: Option<i64>,
) -> Result<LedgerVerification, RegistryError> {
    let hash = ledger::parse_hash(sha256, "sha256")?;
    let head = match tree_size {
        Some(size) => Some(ledger::head(conn, size)?),
        None => ledger::latest_head(conn)?,
    };
    let leaf = ledger::find_leaf(conn, sha256)?;
    let mut answer = LedgerVerification {
        found: leaf.is_some(),
        sha256: hex::encode(hash),
        leaf_index: None,
        leaf_hash: None,
        kind: None,
        filed_by: None,
        filed_at: None,
        leaf: None,
        head: None,
        proof: None,
        proof_verified: false,
    };
    if let (Some(leaf), Some(head)) = (&leaf, &head) {
        if leaf.leaf_index < head.tree_size {
            let proof = ledger::inclusion_proof(conn, leaf.leaf_index, head.tree_size)?;
            let path = proof
                .audit_path
                .iter()
                .map(|p| ledger::parse_hash(p, "audit_path"))
                .collect::<Result<Vec<_>, _>>()?;
            answer.proof_verified = proof.root_hash == head.root_hash
                && ledger::tree::verify_inclusion(
                    &ledger::parse_hash(&leaf.leaf_hash, "leaf_hash")?,
                    u64::try_from(leaf.leaf_index).unwrap_or(0),
                    u64::try_from(head.tree_size).unwrap_or(0),
                    &path,
                    &head.root()?,
                );
            answer.proof = Some(proof.audit_path);
        }
    }
    if let Some(leaf) = leaf {
        answer.leaf_index = Some(leaf.leaf_index);
        answer.leaf_hash = Some(leaf.leaf_hash);
        answer.kind = Some(leaf.kind);
        answer.filed_by = Some(leaf.filed_by);
        answer.filed_at = Some(leaf.filed_at);
        answer.leaf = Some(leaf.leaf);
    }
    answer.head = head;
    Ok(answer)
}

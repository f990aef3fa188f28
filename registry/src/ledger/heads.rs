//! Signed tree heads: the log's size, root and time, signed by the hub.
//!
//! The bytes signed are RFC 6962 §3.5's `TreeHeadSignature`, 50 bytes ([`signed_bytes`]):
//!
//! | bytes | what |
//! |---|---|
//! | 1 | version: `0` (v1) |
//! | 1 | signature type: `1` (tree_hash) |
//! | 8 | timestamp: milliseconds since 1970-01-01T00:00:00Z, unsigned big-endian |
//! | 8 | tree size, unsigned big-endian |
//! | 32 | the root hash (MTH of the first `tree_size` leaves) |
//!
//! signed with ECDSA over P-256 with SHA-256, the signature DER-encoded (as CT logs do), by the
//! key `GET /ledger/key` serves; `key_id` is the SHA-256 of that key's DER
//! SubjectPublicKeyInfo. The registry holds no key: [`next_head`] gives the head to sign and
//! [`store_head`] keeps it with its signature, in the caller's transaction. A head is published
//! only when the log grew; its time never goes back from the previous head's.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::tree::Hash;
use super::{millis, store, to_millis};
use crate::db::DbConn;
use crate::error::{Code, RegistryError, Result};
use crate::schema::ledger_heads;

/// A head as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SignedHead {
    pub tree_size: i64,
    /// The root hash, hex.
    pub root_hash: String,
    /// When it was signed (millisecond precision).
    #[serde(with = "crate::time::as_rfc3339")]
    pub timestamp: NaiveDateTime,
    /// The same instant as signed: milliseconds since the Unix epoch.
    pub timestamp_ms: i64,
    /// SHA-256 of the signing key's DER SubjectPublicKeyInfo, hex.
    pub key_id: String,
    /// ECDSA P-256 / SHA-256 over the 50 bytes of RFC 6962's TreeHeadSignature, DER, hex.
    pub signature: String,
}

impl SignedHead {
    /// The bytes its signature covers.
    pub fn signed_bytes(&self) -> Result<[u8; 50]> {
        Ok(signed_bytes(
            u64::try_from(self.tree_size).unwrap_or(0),
            u64::try_from(self.timestamp_ms).unwrap_or(0),
            &self.root()?,
        ))
    }

    /// The root hash.
    pub fn root(&self) -> Result<Hash> {
        super::parse_hash(&self.root_hash, "root_hash")
            .map_err(|_| RegistryError::Inconsistent(format!("head {}: bad root", self.tree_size)))
    }

    /// The signature's bytes.
    pub fn signature_bytes(&self) -> Vec<u8> {
        hex::decode(&self.signature).unwrap_or_default()
    }
}

/// A head to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsignedHead {
    pub tree_size: u64,
    pub root: Hash,
    /// Millisecond precision.
    pub timestamp: NaiveDateTime,
}

impl UnsignedHead {
    /// The bytes to sign.
    pub fn signed_bytes(&self) -> [u8; 50] {
        signed_bytes(self.tree_size, millis(self.timestamp), &self.root)
    }
}

/// RFC 6962 §3.5 `TreeHeadSignature`: version v1, type tree_hash, timestamp, size, root.
pub fn signed_bytes(tree_size: u64, timestamp_ms: u64, root: &Hash) -> [u8; 50] {
    let mut bytes = [0u8; 50];
    bytes[0] = 0;
    bytes[1] = 1;
    bytes[2..10].copy_from_slice(&timestamp_ms.to_be_bytes());
    bytes[10..18].copy_from_slice(&tree_size.to_be_bytes());
    bytes[18..].copy_from_slice(root);
    bytes
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = ledger_heads)]
struct HeadRow {
    tree_size: i64,
    root_hash: Vec<u8>,
    signed_at: NaiveDateTime,
    key_id: String,
    signature: Vec<u8>,
}

impl From<HeadRow> for SignedHead {
    fn from(row: HeadRow) -> Self {
        SignedHead {
            tree_size: row.tree_size,
            root_hash: hex::encode(row.root_hash),
            timestamp_ms: i64::try_from(millis(row.signed_at)).unwrap_or(0),
            timestamp: row.signed_at,
            key_id: row.key_id,
            signature: hex::encode(row.signature),
        }
    }
}

/// The newest head, if any was published.
pub fn latest_head(conn: &mut DbConn) -> Result<Option<SignedHead>> {
    Ok(ledger_heads::table
        .order(ledger_heads::tree_size.desc())
        .select(HeadRow::as_select())
        .first(conn)
        .optional()?
        .map(SignedHead::from))
}

/// The head of `tree_size` leaves; 404 when none was published at that size.
pub fn head(conn: &mut DbConn, tree_size: i64) -> Result<SignedHead> {
    ledger_heads::table
        .find(tree_size)
        .select(HeadRow::as_select())
        .first(conn)
        .optional()?
        .map(SignedHead::from)
        .ok_or(RegistryError::NotFound {
            entity: "signed tree head",
        })
}

/// Up to `limit` heads (1 to 1000, else 422 `invalid_page`) of sizes above `after`, smallest
/// first: what a mirror asks for to catch up.
pub fn list_heads(conn: &mut DbConn, after: i64, limit: i64) -> Result<Vec<SignedHead>> {
    if !(1..=1000).contains(&limit) {
        return Err(RegistryError::invalid(
            Code::InvalidPage,
            "limit",
            "must be 1 to 1000",
        ));
    }
    Ok(ledger_heads::table
        .filter(ledger_heads::tree_size.gt(after))
        .order(ledger_heads::tree_size)
        .limit(limit)
        .select(HeadRow::as_select())
        .load(conn)?
        .into_iter()
        .map(SignedHead::from)
        .collect())
}

/// Every head, smallest first (for `hub ledger verify`).
pub(super) fn all_heads(conn: &mut DbConn) -> Result<Vec<SignedHead>> {
    Ok(ledger_heads::table
        .order(ledger_heads::tree_size)
        .select(HeadRow::as_select())
        .load(conn)?
        .into_iter()
        .map(SignedHead::from)
        .collect())
}

/// The head to sign now: the log's size and root at `now` (not before the previous head's
/// time), or `None` when the log is empty or has not grown since the last head. Takes the
/// ledger's lock, so that no leaf is appended between this and [`store_head`].
pub fn next_head(conn: &mut DbConn, now: NaiveDateTime) -> Result<Option<UnsignedHead>> {
    store::lock(conn)?;
    let size = store::size(conn)?;
    let latest = latest_head(conn)?;
    if size == 0
        || latest
            .as_ref()
            .is_some_and(|h| h.tree_size >= i64::try_from(size).unwrap_or(i64::MAX))
    {
        return Ok(None);
    }
    let root = super::root_at(conn, i64::try_from(size).unwrap_or(i64::MAX))?;
    let timestamp = match latest {
        Some(previous) if previous.timestamp > to_millis(now) => previous.timestamp,
        _ => to_millis(now),
    };
    Ok(Some(UnsignedHead {
        tree_size: size,
        root,
        timestamp,
    }))
}

/// Stores `head` with its signature by the key `key_id`.
pub fn store_head(
    conn: &mut DbConn,
    head: &UnsignedHead,
    key_id: &str,
    signature: &[u8],
) -> Result<SignedHead> {
    let row = HeadRow {
        tree_size: i64::try_from(head.tree_size).unwrap_or(i64::MAX),
        root_hash: head.root.to_vec(),
        signed_at: head.timestamp,
        key_id: key_id.to_owned(),
        signature: signature.to_vec(),
    };
    diesel::insert_into(ledger_heads::table)
        .values((
            ledger_heads::tree_size.eq(row.tree_size),
            ledger_heads::root_hash.eq(&row.root_hash),
            ledger_heads::signed_at.eq(row.signed_at),
            ledger_heads::key_id.eq(&row.key_id),
            ledger_heads::signature.eq(&row.signature),
        ))
        .execute(conn)?;
    Ok(row.into())
}

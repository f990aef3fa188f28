//! The audit log: every state change, by whom, when, with a digest of what changed, in an
//! append-only chain. Each row's `hash` is an HMAC (under a key derived from the server secret)
//! over the previous row's hash and all of the row's columns; the chain head is kept MACed in
//! `audit_head`. Editing, inserting or deleting a row behind the hub's back breaks the chain, and
//! without the server key the chain cannot be re-forged.
//!
//! `seq` is assigned under a lock (a PostgreSQL advisory transaction lock; SQLite's single
//! writer), never by a sequence, so a gap in it is a deletion. The key is derived from the server
//! secret, which lives in configuration, never in the database. [`append`] is called inside the
//! transaction of the change it records; in the hub only the operations layer calls it
//! (`hub::ops::audited`).

mod verify;

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::schema::{audit_head, audit_log};
use crate::secret::{SecretKey, sha256_hex};
use crate::time;

pub use verify::{ChainBreak, verify_chain};

/// The `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// PostgreSQL advisory lock taken (for the transaction) while appending, so that concurrent
/// writers on several replicas chain one after the other.
const APPEND_LOCK: i64 = 0x6175_6469_746c_6f67;

/// The key that MACs the chain, derived from the server secret.
#[derive(Debug, Clone)]
pub struct AuditKey(SecretKey);

impl AuditKey {
    /// Derives the audit key from the server secret.
    pub fn from_secret(secret: &SecretKey) -> Self {
        Self(secret.derive("audit-log"))
    }
}

/// One change to record.
#[derive(Debug, Clone)]
pub struct AuditEvent<'a> {
    /// When it was done (the caller's clock).
    pub at: NaiveDateTime,
    /// `user:alice`, `cli:root`, `system:scheduler`.
    pub actor: &'a str,
    /// What was done, as `noun.verb`: `user.create`, `token.revoke`.
    pub action: &'a str,
    /// What it was done to: `user:12`.
    pub target: &'a str,
    /// The request (or command) that did it, to find it in the logs.
    pub request_id: &'a str,
    /// The change itself, without secrets.
    pub detail: serde_json::Value,
}

/// A row of the log.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub seq: i64,
    #[serde(with = "crate::time::as_rfc3339")]
    pub at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub request_id: String,
    /// The change, as JSON text.
    pub detail: String,
    /// SHA-256 of `detail`.
    pub digest: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    fn chain_mac(key: &AuditKey, row: &AuditEntry) -> String {
        key.0
            .mac_hex(&Self::chain_parts(row).each_ref().map(|p| p.as_slice()))
    }

    fn chain_parts(row: &AuditEntry) -> [Vec<u8>; 9] {
        [
            row.seq.to_string().into_bytes(),
            time::rfc3339(row.at).into_bytes(),
            row.actor.clone().into_bytes(),
            row.action.clone().into_bytes(),
            row.target.clone().into_bytes(),
            row.request_id.clone().into_bytes(),
            row.detail.clone().into_bytes(),
            row.digest.clone().into_bytes(),
            row.prev_hash.clone().into_bytes(),
        ]
    }
}

fn head_mac(key: &AuditKey, seq: i64, hash: &str) -> String {
    key.0
        .mac_hex(&[b"audit-head", seq.to_string().as_bytes(), hash.as_bytes()])
}

/// Appends one entry. Call it inside the transaction that makes the change, so that the change
/// and its record are written together or not at all.
pub fn append(conn: &mut DbConn, key: &AuditKey, event: &AuditEvent<'_>) -> Result<AuditEntry> {
    if let DbConn::Pg(pg) = conn {
        pg.batch_execute(&format!("SELECT pg_advisory_xact_lock({APPEND_LOCK})"))?;
    }
    let last: Option<(i64, String)> = audit_log::table
        .select((audit_log::seq, audit_log::hash))
        .order(audit_log::seq.desc())
        .first(conn)
        .optional()?;
    let (last_seq, prev_hash) = last.unwrap_or((0, GENESIS.to_owned()));
    let detail = event.detail.to_string();
    let mut entry = AuditEntry {
        seq: last_seq + 1,
        at: event.at,
        actor: event.actor.to_owned(),
        action: event.action.to_owned(),
        target: event.target.to_owned(),
        request_id: event.request_id.to_owned(),
        digest: sha256_hex(detail.as_bytes()),
        detail,
        prev_hash,
        hash: String::new(),
    };
    entry.hash = AuditEntry::chain_mac(key, &entry);
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::seq.eq(entry.seq),
            audit_log::at.eq(entry.at),
            audit_log::actor.eq(&entry.actor),
            audit_log::action.eq(&entry.action),
            audit_log::target.eq(&entry.target),
            audit_log::request_id.eq(&entry.request_id),
            audit_log::detail.eq(&entry.detail),
            audit_log::digest.eq(&entry.digest),
            audit_log::prev_hash.eq(&entry.prev_hash),
            audit_log::hash.eq(&entry.hash),
        ))
        .execute(conn)?;
    let mac = head_mac(key, entry.seq, &entry.hash);
    let head = (
        audit_head::seq.eq(entry.seq),
        audit_head::hash.eq(&entry.hash),
        audit_head::mac.eq(&mac),
    );
    // Under the append lock: update the one head row, or create it on the first append.
    if diesel::update(audit_head::table.find(1))
        .set(head)
        .execute(conn)?
        == 0
    {
        diesel::insert_into(audit_head::table)
            .values((audit_head::id.eq(1), head))
            .execute(conn)?;
    }
    Ok(entry)
}

/// A page of the log, newest first: at most `limit` rows (1 to 1000, else 422 `invalid_page`)
/// with `seq` below `before`.
pub fn list(conn: &mut DbConn, before: Option<i64>, limit: i64) -> Result<Vec<AuditEntry>> {
    if !(1..=1000).contains(&limit) {
        return Err(RegistryError::invalid(
            Code::InvalidPage,
            "limit",
            "must be 1 to 1000",
        ));
    }
    let mut query = audit_log::table
        .select(AuditEntry::as_select())
        .order(audit_log::seq.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(audit_log::seq.lt(before));
    }
    Ok(query.load(conn)?)
}

#[cfg(test)]
mod tests;

//! Walking the audit chain to prove nothing was changed behind the hub's back.

use diesel::prelude::*;
use serde::Serialize;

use super::{AuditEntry, AuditKey, GENESIS, head_mac};
use crate::db::DbConn;
use crate::error::Result;
use crate::schema::{audit_head, audit_log};
use crate::secret::sha256_hex;

/// The first place where the chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChainBreak {
    /// Row `seq`'s columns no longer match its MAC: edited, or forged and inserted.
    Edited { seq: i64 },
    /// Row `seq`'s detail no longer matches its digest.
    DetailAltered { seq: i64 },
    /// Rows `from..=to` are missing.
    Deleted { from: i64, to: i64 },
    /// Row `seq` does not follow the row before it (rows replaced or reordered).
    Relinked { seq: i64 },
    /// The chain ends before the MACed head: the newest rows down from `from` were deleted.
    TailDeleted { from: i64, head: i64 },
    /// The chain head record itself was altered.
    HeadAltered,
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Edited { seq } => write!(
                f,
                "row {seq} was edited or inserted (its MAC does not match)"
            ),
            Self::DetailAltered { seq } => write!(
                f,
                "row {seq}: the detail was edited (its digest does not match)"
            ),
            Self::Deleted { from, to } if from == to => write!(f, "row {from} was deleted"),
            Self::Deleted { from, to } => write!(f, "rows {from} to {to} were deleted"),
            Self::Relinked { seq } => write!(f, "row {seq} does not follow the row before it"),
            Self::TailDeleted { from, head } => {
                write!(f, "rows {from} to {head} (the newest) were deleted")
            }
            Self::HeadAltered => write!(f, "the chain head was altered"),
        }
    }
}

const PAGE: i64 = 5_000;

/// Walks the whole chain in order. `Ok(Ok(n))`: all `n` rows hold. `Ok(Err(b))`: the first break.
pub fn verify_chain(
    conn: &mut DbConn,
    key: &AuditKey,
) -> Result<std::result::Result<u64, ChainBreak>> {
    let mut expected_seq = 1_i64;
    let mut prev_hash = GENESIS.to_owned();
    let mut count = 0_u64;
    loop {
        let page: Vec<AuditEntry> = audit_log::table
            .select(AuditEntry::as_select())
            .filter(audit_log::seq.ge(expected_seq))
            .order(audit_log::seq)
            .limit(PAGE)
            .load(conn)?;
        let full_page = page.len() as i64 == PAGE;
        for row in &page {
            if let Some(found) = check_row(key, row, expected_seq, &prev_hash) {
                return Ok(Err(found));
            }
            prev_hash.clone_from(&row.hash);
            expected_seq = row.seq + 1;
            count += 1;
        }
        if !full_page {
            break;
        }
    }
    let head: Option<(i64, String, String)> = audit_head::table
        .select((audit_head::seq, audit_head::hash, audit_head::mac))
        .first(conn)
        .optional()?;
    let last_seq = expected_seq - 1;
    match head {
        None if last_seq == 0 => Ok(Ok(count)),
        None => Ok(Err(ChainBreak::HeadAltered)),
        Some((seq, hash, mac)) => {
            if mac != head_mac(key, seq, &hash) {
                Ok(Err(ChainBreak::HeadAltered))
            } else if seq > last_seq {
                Ok(Err(ChainBreak::TailDeleted {
                    from: last_seq + 1,
                    head: seq,
                }))
            } else if seq < last_seq || hash != prev_hash {
                Ok(Err(ChainBreak::Edited { seq: last_seq }))
            } else {
                Ok(Ok(count))
            }
        }
    }
}

fn check_row(
    key: &AuditKey,
    row: &AuditEntry,
    expected_seq: i64,
    prev_hash: &str,
) -> Option<ChainBreak> {
    if row.seq > expected_seq {
        return Some(ChainBreak::Deleted {
            from: expected_seq,
            to: row.seq - 1,
        });
    }
    if sha256_hex(row.detail.as_bytes()) != row.digest {
        return Some(ChainBreak::DetailAltered { seq: row.seq });
    }
    if AuditEntry::chain_mac(key, row) != row.hash {
        return Some(ChainBreak::Edited { seq: row.seq });
    }
    if row.prev_hash != prev_hash {
        return Some(ChainBreak::Relinked { seq: row.seq });
    }
    None
}

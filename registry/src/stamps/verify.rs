//! Verification with the hidden (scratch-off) code: genuine or not genuine.
//!
//! Only an anti-counterfeit stamp that is activated and not revoked can be genuine, and only
//! with the code of its own serial under its own key version. Wrong codes are recorded in
//! `stamp_verify_failures`; beyond the configured number per stamp or per client address
//! within the window, further attempts are refused before anything is checked. The limits
//! live in the database, so every replica applies the same count.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;

use crate::alerts::Severity;
use crate::db::DbConn;
use crate::error::{RegistryError, Result};
use crate::schema::stamp_verify_failures;

use super::alert_kind;
use super::resolve::{StampRecord, find_stamp, subject_of_stamp};
use super::scans::{StampAlert, raise_alert};
use super::{HiddenCodeKeyRing, Serial};

/// The limits on wrong codes (from `[stamps]`).
#[derive(Debug, Clone, Copy)]
pub struct VerifyLimits {
    pub per_stamp: u32,
    pub per_client: u32,
    pub window: Duration,
}

/// Whose limit was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LimitScope {
    /// Too many wrong codes for this stamp.
    Stamp,
    /// Too many wrong codes from this client address.
    Client,
}

/// Why a stamp is not genuine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotGenuine {
    /// No stamp with this serial was issued.
    UnknownSerial,
    /// A plain QR stamp: it has no hidden code to verify.
    NoHiddenCode,
    /// The hidden code is not this stamp's.
    WrongCode,
    /// The code is right but the stamp was never activated on a batch.
    NotActivated,
    /// The code is right but the stamp was revoked.
    Revoked,
}

impl NotGenuine {
    /// The scan log's verdict.
    pub fn verdict(self) -> &'static str {
        match self {
            NotGenuine::UnknownSerial => "verify_unknown_serial",
            NotGenuine::NoHiddenCode => "verify_no_hidden_code",
            NotGenuine::WrongCode => "verify_wrong_code",
            NotGenuine::NotActivated => "verify_not_activated",
            NotGenuine::Revoked => "verify_revoked",
        }
    }
}

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// An activated, unrevoked anti-counterfeit stamp whose hidden code matched.
    Genuine(StampRecord),
    /// Not genuine, and why; the stamp when the serial is known.
    NotGenuine(NotGenuine, Option<StampRecord>),
    /// Refused before checking: too many wrong codes recently.
    Limited {
        scope: LimitScope,
        retry_after_secs: u64,
    },
}

impl Verification {
    /// The scan log's verdict.
    pub fn verdict(&self) -> &'static str {
        match self {
            Verification::Genuine(_) => "verify_genuine",
            Verification::NotGenuine(reason, _) => reason.verdict(),
            Verification::Limited { .. } => "verify_limited",
        }
    }
}

/// Verifies `code` for `serial` from the client with `client_hash`, at `now`; run it in a
/// transaction. A wrong code is recorded and raises `stamp_wrong_code` (once per stamp).
pub fn verify(
    conn: &mut DbConn,
    ring: &HiddenCodeKeyRing,
    limits: VerifyLimits,
    serial: &str,
    code: &str,
    client_hash: &str,
    now: NaiveDateTime,
) -> Result<Verification> {
    let since = now - limits.window;
    let retry_after_secs = u64::try_from(limits.window.num_seconds()).unwrap_or(60);
    let per_stamp: i64 = stamp_verify_failures::table
        .filter(stamp_verify_failures::serial.eq(serial))
        .filter(stamp_verify_failures::at.gt(since))
        .count()
        .get_result(conn)?;
    if per_stamp >= i64::from(limits.per_stamp) {
        return Ok(Verification::Limited {
            scope: LimitScope::Stamp,
            retry_after_secs,
        });
    }
    let per_client: i64 = stamp_verify_failures::table
        .filter(stamp_verify_failures::client_hash.eq(client_hash))
        .filter(stamp_verify_failures::at.gt(since))
        .count()
        .get_result(conn)?;
    if per_client >= i64::from(limits.per_client) {
        return Ok(Verification::Limited {
            scope: LimitScope::Client,
            retry_after_secs,
        });
    }
    let stamp = find_stamp(conn, serial)?;
    let parsed = Serial::parse(serial).ok();
    let (Some(stamp), Some(parsed)) = (stamp, parsed) else {
        // Guessing codes for serials that do not exist counts against the client too.
        record_failure(conn, serial, client_hash, now)?;
        return Ok(Verification::NotGenuine(NotGenuine::UnknownSerial, None));
    };
    let Some(version) = stamp.key_version.and_then(|v| u16::try_from(v).ok()) else {
        return Ok(Verification::NotGenuine(
            NotGenuine::NoHiddenCode,
            Some(stamp),
        ));
    };
    let matches = ring
        .verify(version, &parsed, code)
        .map_err(|e| RegistryError::Config(e.to_string()))?;
    if !matches {
        record_failure(conn, serial, client_hash, now)?;
        let subject = subject_of_stamp(conn, &stamp)?;
        raise_alert(
            conn,
            &StampAlert {
                at: now,
                kind: alert_kind::WRONG_CODE,
                severity: Severity::Warning,
                subject: Some(&subject),
                target: &format!("stamp:{serial}"),
                detail: json!({
                    "serial": serial,
                    "gtin": stamp.gtin,
                    "product": subject.product_name,
                    "failures_in_window": per_stamp + 1,
                    "at": crate::time::rfc3339(now),
                }),
                key: &format!("stamp_wrong_code:{serial}"),
            },
        )?;
        return Ok(Verification::NotGenuine(NotGenuine::WrongCode, Some(stamp)));
    }
    if stamp.revoked_at.is_some() {
        return Ok(Verification::NotGenuine(NotGenuine::Revoked, Some(stamp)));
    }
    if stamp.batch_id.is_none() {
        return Ok(Verification::NotGenuine(
            NotGenuine::NotActivated,
            Some(stamp),
        ));
    }
    Ok(Verification::Genuine(stamp))
}

fn record_failure(
    conn: &mut DbConn,
    serial: &str,
    client_hash: &str,
    now: NaiveDateTime,
) -> Result<()> {
    diesel::insert_into(stamp_verify_failures::table)
        .values((
            stamp_verify_failures::serial.eq(serial),
            stamp_verify_failures::client_hash.eq(client_hash),
            stamp_verify_failures::at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

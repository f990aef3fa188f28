//! The public "report a suspected fake" form: stored in `stamp_fake_reports` and raised as a
//! `stamp_fake_report` alert to the producer's competent department (one alert per stamp and
//! day; further reports that day attach to it).
//!
//! A report is a change made by the public: its caller (`hub::ops::stamps::report_fake`) audits it
//! with the actor `public`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::alerts::Severity;
use crate::db::DbConn;
use crate::error::{RegistryError, Result};
use crate::schema::stamp_fake_reports;

use super::alert_kind;
use super::resolve::{find_stamp, subject_of_stamp};
use super::scans::{StampAlert, alert_with_key, raise_alert};
use crate::error::Code;

/// Longest description kept.
pub const MAX_DESCRIPTION: usize = 4000;
/// Longest place or contact kept.
pub const MAX_SHORT: usize = 200;

/// A report of a suspected fake, as the public writes it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFakeReport {
    /// The serial on the pack (as printed; case and spaces do not matter).
    #[schema(min_length = 1, max_length = 64, pattern = r"[^\s-]")]
    pub serial: String,
    /// What looks wrong.
    pub description: String,
    /// Where it was bought or seen.
    #[serde(default)]
    pub place: String,
    /// How to reach the reporter, if they wish.
    #[serde(default)]
    pub contact: String,
}

/// A stored report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FakeReport {
    pub id: i64,
    pub serial: String,
    /// Whether the serial is a stamp this hub issued.
    pub known_serial: bool,
    #[serde(with = "crate::time::as_rfc3339")]
    pub reported_at: NaiveDateTime,
    /// The alert it raised or joined.
    pub alert_id: Option<i64>,
}

fn normalise_serial(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// Stores a report from the client with `client_hash` and raises (or joins) its alert.
pub fn report_fake(
    conn: &mut DbConn,
    now: NaiveDateTime,
    new: &NewFakeReport,
    client_hash: &str,
) -> Result<FakeReport> {
    let serial = normalise_serial(&new.serial);
    if serial.is_empty() || serial.chars().count() > 20 {
        return Err(RegistryError::invalid(
            Code::InvalidSerial,
            "serial",
            "the serial printed under the code: 1 to 20 characters",
        ));
    }
    let description = new.description.trim();
    if description.is_empty() || description.chars().count() > MAX_DESCRIPTION {
        return Err(RegistryError::invalid(
            Code::InvalidDescription,
            "description",
            format!("say what looks wrong, in 1 to {MAX_DESCRIPTION} characters"),
        ));
    }
    for (field, value) in [("place", &new.place), ("contact", &new.contact)] {
        if value.trim().chars().count() > MAX_SHORT {
            return Err(RegistryError::invalid(
                Code::TooLong,
                field,
                format!("at most {MAX_SHORT} characters"),
            ));
        }
    }
    let stamp = find_stamp(conn, &serial)?;
    let subject = match &stamp {
        Some(stamp) => Some(subject_of_stamp(conn, stamp)?),
        None => None,
    };
    let key = format!("stamp_fake_report:{serial}:{}", now.date());
    let detail = json!({
        "serial": serial,
        "known_serial": stamp.is_some(),
        "gtin": stamp.as_ref().map(|s| s.gtin.clone()),
        "product": subject.as_ref().map(|s| s.product_name.clone()),
        "description": description,
        "place": new.place.trim(),
        "reported_at": crate::time::rfc3339(now),
    });
    let alert_id = match raise_alert(
        conn,
        &StampAlert {
            at: now,
            kind: alert_kind::FAKE_REPORT,
            severity: Severity::Warning,
            subject: subject.as_ref(),
            target: &format!("stamp:{serial}"),
            detail,
            key: &key,
        },
    )? {
        Some(id) => Some(id),
        None => alert_with_key(conn, &key)?,
    };
    let id: i64 = diesel::insert_into(stamp_fake_reports::table)
        .values((
            stamp_fake_reports::serial.eq(&serial),
            stamp_fake_reports::company_prefix
                .eq(stamp.as_ref().map_or("", |s| s.company_prefix.as_str())),
            stamp_fake_reports::description.eq(description),
            stamp_fake_reports::place.eq(new.place.trim()),
            stamp_fake_reports::contact.eq(new.contact.trim()),
            stamp_fake_reports::client_hash.eq(client_hash),
            stamp_fake_reports::reported_at.eq(now),
            stamp_fake_reports::alert_id.eq(alert_id),
        ))
        .returning(stamp_fake_reports::id)
        .get_result(conn)?;
    Ok(FakeReport {
        id,
        serial,
        known_serial: stamp.is_some(),
        reported_at: now,
        alert_id,
    })
}

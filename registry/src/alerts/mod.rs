//! Alerts: every signal that needs a regulator's eye, in one store. Counterfeit signals at scan
//! time, mass-balance and quota breaches, expired licences: each is raised here with its kind,
//! the enterprise, region and category it concerns (which decide the competent department), and
//! a JSON detail. Raising an alert enqueues a notice to the competent departments in the same
//! transaction. Officers read and handle the alerts of their jurisdiction ([`handling`]).

mod handling;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::departments::Category;
use crate::error::Result;
use crate::notices::{self, Audience, Notice};
use crate::schema::alerts;

pub use handling::{
    AlertFilter, HandlingNote, acknowledge, close, count_alerts, find_visible_alert, list_alerts,
};

/// How urgent an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }

    fn from_stored(s: &str) -> Self {
        match s {
            "info" => Severity::Info,
            "critical" => Severity::Critical,
            _ => Severity::Warning,
        }
    }
}

/// Where an alert stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    /// Raised, nobody has looked yet.
    Open,
    /// An officer has taken it up.
    Acknowledged,
    /// Dealt with.
    Closed,
}

impl AlertStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertStatus::Open => "open",
            AlertStatus::Acknowledged => "acknowledged",
            AlertStatus::Closed => "closed",
        }
    }

    fn from_stored(s: &str) -> Self {
        match s {
            "acknowledged" => AlertStatus::Acknowledged,
            "closed" => AlertStatus::Closed,
            _ => AlertStatus::Open,
        }
    }
}

/// An alert to raise.
#[derive(Debug, Clone)]
pub struct NewAlert<'a> {
    /// The kind, e.g. `stamp_unknown_serial` (stamps: [`crate::stamps::alert_kind`]).
    pub kind: &'a str,
    pub severity: Severity,
    /// The enterprise concerned, when known.
    pub enterprise_id: Option<i64>,
    /// GB/T 2260 region the alert belongs to ('' when unknown: then only administrators see it).
    pub region_code: &'a str,
    /// The category concerned; `None` lets any department of the region see it.
    pub category: Option<Category>,
    /// The GS1 company prefix concerned ('' when none).
    pub company_prefix: &'a str,
    /// What it is about, e.g. `stamp:K7M3...` or `lot:https://id.gs1.org/01/.../10/L1`.
    pub subject: &'a str,
    /// The facts behind it.
    pub detail: serde_json::Value,
    /// At most one alert per key (e.g. one "scan limit exceeded" per stamp).
    pub dedupe_key: Option<&'a str>,
}

/// A stored alert.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Alert {
    pub id: i64,
    pub kind: String,
    pub severity: Severity,
    pub enterprise_id: Option<i64>,
    pub region_code: String,
    /// The category concerned ('' when none).
    pub category: String,
    pub company_prefix: String,
    pub subject: String,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub status: AlertStatus,
    #[serde(with = "crate::time::as_rfc3339")]
    pub raised_at: NaiveDateTime,
    pub handled_by: Option<String>,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub handled_at: Option<NaiveDateTime>,
    pub note: Option<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = alerts)]
struct AlertRow {
    id: i64,
    kind: String,
    severity: String,
    enterprise_id: Option<i64>,
    region_code: String,
    category: String,
    company_prefix: String,
    subject: String,
    detail: String,
    status: String,
    raised_at: NaiveDateTime,
    handled_by: Option<String>,
    handled_at: Option<NaiveDateTime>,
    note: Option<String>,
}

impl From<AlertRow> for Alert {
    fn from(r: AlertRow) -> Self {
        Alert {
            id: r.id,
            kind: r.kind,
            severity: Severity::from_stored(&r.severity),
            enterprise_id: r.enterprise_id,
            region_code: r.region_code,
            category: r.category,
            company_prefix: r.company_prefix,
            subject: r.subject,
            detail: serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::Null),
            status: AlertStatus::from_stored(&r.status),
            raised_at: r.raised_at,
            handled_by: r.handled_by,
            handled_at: r.handled_at,
            note: r.note,
        }
    }
}

/// Raises an alert inside the caller's transaction and enqueues its notice to the competent
/// departments. `None` when an alert with the same dedupe key exists (nothing is written).
pub fn raise(conn: &mut DbConn, now: NaiveDateTime, new: &NewAlert<'_>) -> Result<Option<Alert>> {
    if let Some(key) = new.dedupe_key {
        let exists: i64 = alerts::table
            .filter(alerts::dedupe_key.eq(key))
            .count()
            .get_result(conn)?;
        if exists > 0 {
            return Ok(None);
        }
    }
    let id: i64 = diesel::insert_into(alerts::table)
        .values((
            alerts::kind.eq(new.kind),
            alerts::severity.eq(new.severity.as_str()),
            alerts::enterprise_id.eq(new.enterprise_id),
            alerts::region_code.eq(new.region_code),
            alerts::category.eq(new.category.map_or("", Category::as_str)),
            alerts::company_prefix.eq(new.company_prefix),
            alerts::subject.eq(new.subject),
            alerts::detail.eq(new.detail.to_string()),
            alerts::dedupe_key.eq(new.dedupe_key),
            alerts::status.eq(AlertStatus::Open.as_str()),
            alerts::raised_at.eq(now),
        ))
        .returning(alerts::id)
        .get_result(conn)?;
    let alert = find_alert(conn, id)?;
    if !new.region_code.is_empty() {
        let notice = Notice {
            topic: format!("alert.{}", alert.kind),
            audience: vec![Audience::Competent {
                region_code: alert.region_code.clone(),
                category: new.category,
            }],
            params: serde_json::json!({
                "alert_id": alert.id,
                "kind": alert.kind,
                "severity": alert.severity,
                "subject": alert.subject,
                "enterprise_id": alert.enterprise_id,
                "detail": alert.detail,
            }),
            source: format!("alert:{}", alert.id),
        };
        notices::enqueue(conn, now, &notice, new.company_prefix)?;
    }
    Ok(Some(alert))
}

/// An alert by id, whoever asks (callers check who may see it).
pub fn find_alert(conn: &mut DbConn, id: i64) -> Result<Alert> {
    alerts::table
        .find(id)
        .select(AlertRow::as_select())
        .first(conn)
        .optional()?
        .map(Alert::from)
        .ok_or(crate::RegistryError::NotFound { entity: "alert" })
}

#[cfg(test)]
mod tests;

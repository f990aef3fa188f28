//! Who sees which alerts, and how officers handle them. An officer sees the alerts whose region
//! lies in their department's region and whose category the department regulates (or that name
//! no category); an enterprise sees its own; an administrator all. Officers of the competent
//! department acknowledge an open alert and close it, each time with a note.
//!
//! Alerts without a region are for administrators only. An officer outside an alert's jurisdiction
//! gets 403 `outside_jurisdiction`; to an enterprise, another's alert is 404. Acknowledging takes
//! an open alert (409 `alert_not_open` otherwise), closing an open or acknowledged one (409
//! `alert_closed`); both need a note and an officer of the competent department, so administrators
//! read alerts but do not handle them. Lists sort by `raised_at`, `kind`, `severity` (by urgency:
//! info, warning, critical) or `status` (by progress: open, acknowledged, closed), ties newest
//! first; the API and the portal pass the same `sort`.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Integer;
use serde::{Deserialize, Serialize};

use super::{Alert, AlertRow, AlertStatus, Severity, find_alert};
use crate::db::DbConn;
use crate::departments::{Category, Department, find_department};
use crate::enterprises::text;
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::filings::Paging;
use crate::identity::{Actor, Role};
use crate::regions::{self, coverage, within_coverage};
use crate::schema::alerts;

/// Filters for [`list_alerts`].
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertFilter {
    /// Exact kind, e.g. `stamp.unknown_serial`.
    pub kind: Option<String>,
    pub status: Option<AlertStatus>,
    pub severity: Option<Severity>,
    /// `raised_at`, `severity`, `status` or `kind`; `-` before it for descending (default
    /// `-raised_at`, newest first). Severity sorts by urgency, status by progress.
    #[param(pattern = "^(-?(raised_at|severity|status|kind))?$")]
    pub sort: Option<String>,
    /// From 1 (default 1).
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

/// An officer's note on handling an alert.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandlingNote {
    /// What was done or found (1 to 2000 characters).
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub note: String,
}

/// What part of the alert store an actor sees.
enum Visible {
    All,
    Jurisdiction(Department),
    Enterprise(i64),
    Nothing,
}

fn visible_to(conn: &mut DbConn, actor: &Actor) -> Result<Visible> {
    Ok(
        match (actor.role, actor.department_id, actor.enterprise_id) {
            (Role::Admin, _, _) => Visible::All,
            (Role::Officer, Some(dept), _) => Visible::Jurisdiction(find_department(conn, dept)?),
            (Role::Enterprise, _, Some(enterprise)) => Visible::Enterprise(enterprise),
            _ => Visible::Nothing,
        },
    )
}

/// Whether `dept` is competent for `alert`: its region under the department's, its category
/// regulated by it (or none named). Alerts without a region are for administrators only.
fn covers(dept: &Department, alert: &Alert) -> bool {
    !alert.region_code.is_empty()
        && regions::covers(&dept.region_code, &alert.region_code)
        && (alert.category.is_empty()
            || dept.categories.iter().any(|c| c.as_str() == alert.category))
}

type Boxed = alerts::BoxedQuery<'static, <DbConn as Connection>::Backend>;

/// The alerts `actor` may see, filtered (not ordered, not paged); `None` when they see none.
fn scoped(conn: &mut DbConn, actor: &Actor, filter: &AlertFilter) -> Result<Option<Boxed>> {
    let mut query = alerts::table.into_boxed();
    match visible_to(conn, actor)? {
        Visible::All => {}
        Visible::Jurisdiction(dept) => {
            let categories: Vec<&str> = dept
                .categories
                .iter()
                .map(|c| Category::as_str(*c))
                .collect();
            query = within_coverage!(query, alerts::region_code, &coverage(&dept.region_code))
                .filter(
                    alerts::category
                        .eq("")
                        .or(alerts::category.eq_any(categories)),
                );
        }
        Visible::Enterprise(id) => query = query.filter(alerts::enterprise_id.eq(id)),
        Visible::Nothing => return Ok(None),
    }
    if let Some(kind) = &filter.kind {
        query = query.filter(alerts::kind.eq(kind.clone()));
    }
    if let Some(status) = filter.status {
        query = query.filter(alerts::status.eq(status.as_str()));
    }
    if let Some(severity) = filter.severity {
        query = query.filter(alerts::severity.eq(severity.as_str()));
    }
    Ok(Some(query))
}

/// Orders `query` as `sort` asks (`invalid_sort` naming `sort` otherwise); ties newest first.
fn sorted(query: Boxed, sort: Option<&str>) -> Result<Boxed> {
    let sort = sort.filter(|s| !s.is_empty()).unwrap_or("-raised_at");
    let (desc, key) = match sort.strip_prefix('-') {
        Some(key) => (true, key),
        None => (false, sort),
    };
    // Urgency and progress are ranks, not the alphabetical order of their names.
    let rank = match key {
        "severity" => {
            Some("CASE alerts.severity WHEN 'info' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END")
        }
        "status" => {
            Some("CASE alerts.status WHEN 'open' THEN 1 WHEN 'acknowledged' THEN 2 ELSE 3 END")
        }
        _ => None,
    };
    Ok(match (key, rank, desc) {
        (_, Some(rank), true) => query.order((sql::<Integer>(rank).desc(), alerts::id.desc())),
        (_, Some(rank), false) => query.order((sql::<Integer>(rank).asc(), alerts::id.desc())),
        ("raised_at", _, true) => query.order(alerts::id.desc()),
        ("raised_at", _, false) => query.order(alerts::id.asc()),
        ("kind", _, true) => query.order((alerts::kind.desc(), alerts::id.desc())),
        ("kind", _, false) => query.order((alerts::kind.asc(), alerts::id.desc())),
        (other, _, _) => {
            return Err(RegistryError::invalid(
                Code::InvalidSort,
                "sort",
                format!(
                    "cannot sort by {other:?}: use raised_at, severity, status or kind, with '-' for descending"
                ),
            ));
        }
    })
}

/// The alerts `actor` may see, filtered, sorted (newest first by default) and paged.
pub fn list_alerts(conn: &mut DbConn, actor: &Actor, filter: &AlertFilter) -> Result<Vec<Alert>> {
    let (limit, offset) = Paging {
        page: filter.page,
        per_page: filter.per_page,
    }
    .limits()?;
    let Some(query) = scoped(conn, actor, filter)? else {
        return Ok(Vec::new());
    };
    Ok(sorted(query, filter.sort.as_deref())?
        .select(AlertRow::as_select())
        .limit(limit)
        .offset(offset)
        .load(conn)?
        .into_iter()
        .map(Alert::from)
        .collect())
}

/// How many alerts `actor` may see that pass `filter` (its page and sort aside).
pub fn count_alerts(conn: &mut DbConn, actor: &Actor, filter: &AlertFilter) -> Result<i64> {
    match scoped(conn, actor, filter)? {
        Some(query) => Ok(query.count().get_result(conn)?),
        None => Ok(0),
    }
}

/// An alert as `actor` may see it: officers outside its jurisdiction get 403
/// `outside_jurisdiction`; to an enterprise, another's alert does not exist.
pub fn find_visible_alert(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<Alert> {
    let alert = find_alert(conn, id)?;
    match visible_to(conn, actor)? {
        Visible::All => Ok(alert),
        Visible::Jurisdiction(dept) if covers(&dept, &alert) => Ok(alert),
        Visible::Jurisdiction(dept) => Err(RegistryError::denied(
            Code::OutsideJurisdiction,
            format!(
                "alert {id} (region {:?}, category {:?}) is outside the jurisdiction of department {}",
                alert.region_code, alert.category, dept.code
            ),
        )),
        Visible::Enterprise(own) if alert.enterprise_id == Some(own) => Ok(alert),
        Visible::Enterprise(_) | Visible::Nothing => {
            Err(RegistryError::NotFound { entity: "alert" })
        }
    }
}

/// An alert an officer of the competent department may handle.
fn handled_alert(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<Alert> {
    if actor.role != Role::Officer {
        return Err(RegistryError::denied(
            Code::OutsideJurisdiction,
            "only an officer of the competent department handles alerts",
        ));
    }
    find_visible_alert(conn, actor, id)
}

fn set_status(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: i64,
    status: AlertStatus,
    note: &HandlingNote,
) -> Result<Alert> {
    let note = text("note", &note.note, 2000)?;
    diesel::update(alerts::table.find(id))
        .set((
            alerts::status.eq(status.as_str()),
            alerts::handled_by.eq(actor.audit_name()),
            alerts::handled_at.eq(now),
            alerts::note.eq(note),
        ))
        .execute(conn)?;
    find_alert(conn, id)
}

/// Takes up an open alert (409 `alert_not_open` otherwise); call inside a transaction, with the
/// audit entry.
pub fn acknowledge(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: i64,
    note: &HandlingNote,
) -> Result<Alert> {
    let alert = handled_alert(conn, actor, id)?;
    if alert.status != AlertStatus::Open {
        return Err(RegistryError::conflict(
            Code::AlertNotOpen,
            format!("alert {id} is {} already", alert.status.as_str()),
        ));
    }
    set_status(conn, now, actor, id, AlertStatus::Acknowledged, note)
}

/// Closes an open or acknowledged alert (409 `alert_closed` when closed already); call inside a
/// transaction, with the audit entry.
pub fn close(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: i64,
    note: &HandlingNote,
) -> Result<Alert> {
    let alert = handled_alert(conn, actor, id)?;
    if alert.status == AlertStatus::Closed {
        return Err(RegistryError::conflict(
            Code::AlertClosed,
            format!("alert {id} is closed already"),
        ));
    }
    set_status(conn, now, actor, id, AlertStatus::Closed, note)
}

//! Who sees which alerts, and how officers handle them. An officer sees the alerts whose region
//! lies in their department's region and whose category the department regulates (or that name
//! no category); an enterprise sees its own; an administrator all. Officers of the competent
//! department acknowledge an open alert and close it, each time with a note.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Alert, AlertRow, AlertStatus, Severity, find_alert};
use crate::db::DbConn;
use crate::departments::{Category, Department, find_department};
use crate::enterprises::text;
use crate::error::{RegistryError, Result};
use crate::filings::Paging;
use crate::identity::{Actor, Role};
use crate::regions::{self, coverage, within_coverage};
use crate::schema::alerts;
use crate::time;

/// Filters for [`list_alerts`].
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertFilter {
    /// Exact kind, e.g. `stamp.unknown_serial`.
    pub kind: Option<String>,
    pub status: Option<AlertStatus>,
    pub severity: Option<Severity>,
    /// From 1 (default 1).
    pub page: Option<i64>,
    /// 1 to 500 (default 100).
    pub per_page: Option<i64>,
}

/// An officer's note on handling an alert.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandlingNote {
    /// What was done or found (1 to 2000 characters).
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

/// The alerts `actor` may see, newest first, filtered.
pub fn list_alerts(conn: &mut DbConn, actor: &Actor, filter: &AlertFilter) -> Result<Vec<Alert>> {
    let (limit, offset) = Paging {
        page: filter.page,
        per_page: filter.per_page,
    }
    .limits()?;
    let mut query = alerts::table
        .select(AlertRow::as_select())
        .order(alerts::id.desc())
        .limit(limit)
        .offset(offset)
        .into_boxed();
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
        Visible::Nothing => return Ok(Vec::new()),
    }
    if let Some(kind) = &filter.kind {
        query = query.filter(alerts::kind.eq(kind));
    }
    if let Some(status) = filter.status {
        query = query.filter(alerts::status.eq(status.as_str()));
    }
    if let Some(severity) = filter.severity {
        query = query.filter(alerts::severity.eq(severity.as_str()));
    }
    Ok(query.load(conn)?.into_iter().map(Alert::from).collect())
}

/// An alert as `actor` may see it: officers outside its jurisdiction get 403
/// `outside_jurisdiction`; to an enterprise, another's alert does not exist.
pub fn find_visible_alert(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<Alert> {
    let alert = find_alert(conn, id)?;
    match visible_to(conn, actor)? {
        Visible::All => Ok(alert),
        Visible::Jurisdiction(dept) if covers(&dept, &alert) => Ok(alert),
        Visible::Jurisdiction(dept) => Err(RegistryError::denied(
            "outside_jurisdiction",
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
            "outside_jurisdiction",
            "only an officer of the competent department handles alerts",
        ));
    }
    find_visible_alert(conn, actor, id)
}

fn set_status(
    conn: &mut DbConn,
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
            alerts::handled_at.eq(time::now()),
            alerts::note.eq(note),
        ))
        .execute(conn)?;
    find_alert(conn, id)
}

/// Takes up an open alert (409 `alert_not_open` otherwise); call inside a transaction, with the
/// audit entry.
pub fn acknowledge(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    note: &HandlingNote,
) -> Result<Alert> {
    let alert = handled_alert(conn, actor, id)?;
    if alert.status != AlertStatus::Open {
        return Err(RegistryError::conflict(
            "alert_not_open",
            format!("alert {id} is {} already", alert.status.as_str()),
        ));
    }
    set_status(conn, actor, id, AlertStatus::Acknowledged, note)
}

/// Closes an open or acknowledged alert (409 `alert_closed` when closed already); call inside a
/// transaction, with the audit entry.
pub fn close(conn: &mut DbConn, actor: &Actor, id: i64, note: &HandlingNote) -> Result<Alert> {
    let alert = handled_alert(conn, actor, id)?;
    if alert.status == AlertStatus::Closed {
        return Err(RegistryError::conflict(
            "alert_closed",
            format!("alert {id} is closed already"),
        ));
    }
    set_status(conn, actor, id, AlertStatus::Closed, note)
}

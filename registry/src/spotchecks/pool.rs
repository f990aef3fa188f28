//! What a department draws from besides its enterprises: its check items per category and its
//! pool of inspectors, with the conflicts of interest that keep an inspector from a task.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::departments::{Category, find_department};
use crate::enterprises::{named_enterprise, text};
use crate::error::{Code, RegistryError, Result};
use crate::identity::{Actor, Role};
use crate::schema::{inspector_conflicts, inspectors, spot_check_items, users};

/// The department an officer acts for; 403 `outside_jurisdiction` for anyone else.
pub(super) fn officer_department(actor: &Actor) -> Result<i64> {
    actor
        .department_id
        .filter(|_| actor.role == Role::Officer)
        .ok_or_else(|| {
            RegistryError::denied(
                Code::OutsideJurisdiction,
                "only an officer of a department manages its spot checks",
            )
        })
}

/// A check item as an officer adds it.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCheckItem {
    pub category: Category,
    /// The department's code for it, e.g. `FOOD-LABEL-01`.
    #[schema(min_length = 1, max_length = 40, pattern = r"^[A-Za-z0-9_.-]+$")]
    pub code: String,
    /// What is checked, e.g. `预包装食品标签`.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    /// How: document review, on-site inspection, sampling and testing...
    #[schema(min_length = 1, max_length = 1000, pattern = r"\S")]
    pub method: String,
}

/// One check item of a department's list.
#[derive(Debug, Clone, PartialEq, Serialize, Queryable, utoipa::ToSchema)]
pub struct CheckItem {
    pub id: i64,
    pub department_id: i64,
    #[schema(value_type = Category)]
    pub category: String,
    pub code: String,
    pub title: String,
    pub method: String,
    pub created_by: String,
    #[serde(with = "crate::time::as_rfc3339")]
    pub created_at: NaiveDateTime,
}

fn item_code(code: &str) -> Result<&str> {
    let code = code.trim();
    let valid = !code.is_empty()
        && code.len() <= 40
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if valid {
        Ok(code)
    } else {
        Err(RegistryError::invalid(
            Code::InvalidCode,
            "code",
            "1 to 40 letters, digits, '_', '.' or '-'",
        ))
    }
}

/// Adds a check item to the officer's department (the category must be one it regulates).
/// 409 `conflict` when the code is taken.
pub fn add_item(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    new: &NewCheckItem,
) -> Result<CheckItem> {
    let department_id = officer_department(actor)?;
    let department = find_department(conn, department_id)?;
    if !department.categories.contains(&new.category) {
        return Err(RegistryError::invalid(
            Code::InvalidCategory,
            "category",
            format!("the department does not regulate {}", new.category.as_str()),
        ));
    }
    let code = item_code(&new.code)?;
    let taken: i64 = spot_check_items::table
        .filter(spot_check_items::department_id.eq(department_id))
        .filter(spot_check_items::code.eq(code))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(RegistryError::Conflict {
            code: Code::Conflict,
            field: Some("code".into()),
            message: format!("the department has a check item {code}"),
        });
    }
    let row = diesel::insert_into(spot_check_items::table)
        .values((
            spot_check_items::department_id.eq(department_id),
            spot_check_items::category.eq(new.category.as_str()),
            spot_check_items::code.eq(code),
            spot_check_items::title.eq(text("title", &new.title, 200)?),
            spot_check_items::method.eq(text("method", &new.method, 1000)?),
            spot_check_items::created_by.eq(actor.audit_name()),
            spot_check_items::created_at.eq(now),
        ))
        .returning(spot_check_items::all_columns)
        .get_result(conn)?;
    Ok(row)
}

/// A department's check items, by category and code.
pub fn list_items(conn: &mut DbConn, department_id: i64) -> Result<Vec<CheckItem>> {
    Ok(spot_check_items::table
        .filter(spot_check_items::department_id.eq(department_id))
        .order((spot_check_items::category, spot_check_items::code))
        .load(conn)?)
}

/// An inspector enrolled in a department's pool.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInspector {
    /// A user of the inspector role.
    pub user_id: i64,
    /// Where the inspector works (a region under the department's).
    #[schema(min_length = 2, max_length = 12)]
    pub region_code: String,
}

/// An inspector of the pool.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Inspector {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub department_id: i64,
    pub region_code: String,
    pub active: bool,
    pub enrolled_by: String,
    #[serde(with = "crate::time::as_rfc3339")]
    pub enrolled_at: NaiveDateTime,
    /// Conflicts of interest on record.
    pub conflicts: Vec<Conflict>,
}

/// Enrols a user of the inspector role of the officer's department in its pool (or changes
/// the region of one enrolled). 422 `invalid_role` for a user of another role or department.
pub fn enrol_inspector(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    new: &NewInspector,
) -> Result<Inspector> {
    let department_id = officer_department(actor)?;
    let department = find_department(conn, department_id)?;
    let user: Option<(String, Option<i64>, bool)> = users::table
        .find(new.user_id)
        .select((users::role, users::department_id, users::active))
        .first(conn)
        .optional()?;
    match user {
        Some((role, Some(dept), true))
            if role == Role::Inspector.as_str() && dept == department_id => {}
        _ => {
            return Err(RegistryError::invalid(
                Code::InvalidRole,
                "user_id",
                "not an active inspector of the department",
            ));
        }
    }
    let region = new.region_code.trim();
    if !crate::regions::covers(&department.region_code, region) {
        return Err(RegistryError::invalid(
            Code::InvalidRegion,
            "region_code",
            format!(
                "not a region under the department's ({})",
                department.region_code
            ),
        ));
    }
    let existing = diesel::update(inspectors::table.find(new.user_id))
        .set((
            inspectors::region_code.eq(region),
            inspectors::active.eq(true),
        ))
        .execute(conn)?;
    if existing == 0 {
        diesel::insert_into(inspectors::table)
            .values((
                inspectors::user_id.eq(new.user_id),
                inspectors::department_id.eq(department_id),
                inspectors::region_code.eq(region),
                inspectors::active.eq(true),
                inspectors::enrolled_by.eq(actor.audit_name()),
                inspectors::enrolled_at.eq(now),
            ))
            .execute(conn)?;
    }
    find_inspector(conn, new.user_id)
}

type InspectorRow = (
    i64,
    String,
    String,
    i64,
    String,
    bool,
    String,
    NaiveDateTime,
);

fn inspector_rows(conn: &mut DbConn, filter: Option<(&str, i64)>) -> Result<Vec<InspectorRow>> {
    let mut query = inspectors::table
        .inner_join(users::table)
        .select((
            inspectors::user_id,
            users::username,
            users::display_name,
            inspectors::department_id,
            inspectors::region_code,
            inspectors::active,
            inspectors::enrolled_by,
            inspectors::enrolled_at,
        ))
        .order(inspectors::user_id)
        .into_boxed();
    match filter {
        Some(("user", id)) => query = query.filter(inspectors::user_id.eq(id)),
        Some((_, dept)) => query = query.filter(inspectors::department_id.eq(dept)),
        None => {}
    }
    Ok(query.load(conn)?)
}

fn with_conflicts(conn: &mut DbConn, rows: Vec<InspectorRow>) -> Result<Vec<Inspector>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let mut conflicts: Vec<Conflict> = inspector_conflicts::table
        .filter(inspector_conflicts::inspector_id.eq_any(&ids))
        .order(inspector_conflicts::id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (mine, rest) = conflicts.drain(..).partition(|c| c.inspector_id == r.0);
            conflicts = rest;
            Inspector {
                user_id: r.0,
                username: r.1,
                display_name: r.2,
                department_id: r.3,
                region_code: r.4,
                active: r.5,
                enrolled_by: r.6,
                enrolled_at: r.7,
                conflicts: mine,
            }
        })
        .collect())
}

fn find_inspector(conn: &mut DbConn, user_id: i64) -> Result<Inspector> {
    let rows = inspector_rows(conn, Some(("user", user_id)))?;
    with_conflicts(conn, rows)?
        .pop()
        .ok_or(RegistryError::NotFound {
            entity: "inspector",
        })
}

/// A department's pool, by user id.
pub fn list_inspectors(conn: &mut DbConn, department_id: i64) -> Result<Vec<Inspector>> {
    let rows = inspector_rows(conn, Some(("department", department_id)))?;
    with_conflicts(conn, rows)
}

/// Why an inspector may not check an enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// The inspector declared it.
    Declared,
    /// An officer recorded a relation (family, former employer, shareholding...).
    Relation,
}

impl ConflictKind {
    fn as_str(self) -> &'static str {
        match self {
            ConflictKind::Declared => "declared",
            ConflictKind::Relation => "relation",
        }
    }
}

/// A conflict of interest as declared (by the inspector) or recorded (by an officer).
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewConflict {
    pub enterprise_id: i64,
    /// What the conflict is.
    #[schema(min_length = 1, max_length = 1000, pattern = r"\S")]
    pub note: String,
}

/// A conflict of interest on record.
#[derive(Debug, Clone, PartialEq, Serialize, Queryable, utoipa::ToSchema)]
pub struct Conflict {
    pub id: i64,
    pub inspector_id: i64,
    pub enterprise_id: i64,
    #[schema(value_type = ConflictKind)]
    pub kind: String,
    pub note: String,
    pub recorded_by: String,
    #[serde(with = "crate::time::as_rfc3339")]
    pub recorded_at: NaiveDateTime,
}

/// Records a conflict for `inspector_id`: the inspector declares their own (`declared`); an
/// officer of the inspector's department records a relation (`relation`).
pub fn record_conflict(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    inspector_id: i64,
    new: &NewConflict,
) -> Result<Conflict> {
    let inspector = find_inspector(conn, inspector_id)?;
    let kind = match actor.role {
        Role::Inspector if actor.user_id == inspector_id => ConflictKind::Declared,
        Role::Officer if actor.department_id == Some(inspector.department_id) => {
            ConflictKind::Relation
        }
        _ => {
            return Err(RegistryError::denied(
                Code::NotOwnObject,
                "an inspector declares their own conflicts; an officer of their department records relations",
            ));
        }
    };
    named_enterprise(conn, new.enterprise_id)?;
    let row = diesel::insert_into(inspector_conflicts::table)
        .values((
            inspector_conflicts::inspector_id.eq(inspector_id),
            inspector_conflicts::enterprise_id.eq(new.enterprise_id),
            inspector_conflicts::kind.eq(kind.as_str()),
            inspector_conflicts::note.eq(text("note", &new.note, 1000)?),
            inspector_conflicts::recorded_by.eq(actor.audit_name()),
            inspector_conflicts::recorded_at.eq(now),
        ))
        .returning(inspector_conflicts::all_columns)
        .get_result(conn)?;
    Ok(row)
}

//! Tasks of a locked plan: seen by their inspectors, their enterprise and the department;
//! results recorded by an assigned inspector, published by the department, public for five
//! years; reminders when a result or its publication is late.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::documents::Storage;
use crate::error::{RegistryError, Result};
use crate::filings::Paging;
use crate::identity::{Actor, Role};
use crate::schema::{
    enterprises, spot_check_evidence as evidence, spot_check_items, spot_check_plans as plans,
    spot_check_results as results, spot_check_task_inspectors as staffing,
    spot_check_tasks as tasks,
};

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Drawn, no result yet.
    Assigned,
    /// The inspectors recorded a result; not yet public.
    Recorded,
    /// Public.
    Published,
}

impl TaskStatus {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Assigned => "assigned",
            TaskStatus::Recorded => "recorded",
            TaskStatus::Published => "published",
        }
    }

    pub(super) fn from_stored(s: &str) -> Result<Self> {
        match s {
            "assigned" => Ok(TaskStatus::Assigned),
            "recorded" => Ok(TaskStatus::Recorded),
            "published" => Ok(TaskStatus::Published),
            _ => Err(RegistryError::Inconsistent(format!("task status {s:?}"))),
        }
    }
}

/// The outcome of an item, or of a whole check (failed when any item failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail,
}

impl Outcome {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
        }
    }

    pub(super) fn from_stored(s: &str) -> Option<Self> {
        match s {
            "pass" => Some(Outcome::Pass),
            "fail" => Some(Outcome::Fail),
            _ => None,
        }
    }
}

/// The result of one item, as an inspector records it.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemOutcome {
    /// A check item code of the plan.
    pub code: String,
    pub outcome: Outcome,
    /// What was found (required when failed).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub finding: String,
}

/// A task's result: every item of the plan once, and the findings overall.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewResult {
    #[schema(min_items = 1, max_items = 100)]
    pub items: Vec<ItemOutcome>,
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub findings: String,
}

/// One item's recorded result.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ItemResult {
    pub code: String,
    pub title: String,
    pub outcome: Outcome,
    pub finding: String,
}

/// A task.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Task {
    pub id: i64,
    pub plan_id: i64,
    pub plan_title: String,
    pub department_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub draw_rank: i32,
    pub status: TaskStatus,
    /// The inspectors' user ids.
    pub inspectors: Vec<i64>,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    pub publish_by: NaiveDate,
    pub outcome: Option<Outcome>,
    pub findings: Option<String>,
    pub items: Vec<ItemResult>,
    /// Files the inspectors attached.
    pub evidence: Vec<Evidence>,
    pub recorded_by: Option<String>,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub recorded_at: Option<NaiveDateTime>,
    pub published_by: Option<String>,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub published_at: Option<NaiveDateTime>,
}

pub(super) type TaskRow = (
    (i64, i64, i64, i32, String, Option<String>, Option<String>),
    (
        Option<String>,
        Option<NaiveDateTime>,
        Option<String>,
        Option<NaiveDateTime>,
    ),
    (String, i64, NaiveDate, NaiveDate, NaiveDate),
    String,
);

pub(super) type Boxed = diesel::helper_types::IntoBoxed<
    'static,
    diesel::helper_types::InnerJoin<
        diesel::helper_types::InnerJoin<tasks::table, plans::table>,
        enterprises::table,
    >,
    <DbConn as Connection>::Backend,
>;

pub(super) fn task_query() -> Boxed {
    tasks::table
        .inner_join(plans::table)
        .inner_join(enterprises::table)
        .into_boxed()
}

pub(super) type TaskColumns = (
    (
        tasks::id,
        tasks::plan_id,
        tasks::enterprise_id,
        tasks::draw_rank,
        tasks::status,
        tasks::outcome,
        tasks::findings,
    ),
    (
        tasks::recorded_by,
        tasks::recorded_at,
        tasks::published_by,
        tasks::published_at,
    ),
    (
        plans::title,
        plans::department_id,
        plans::window_start,
        plans::window_end,
        plans::publish_by,
    ),
    enterprises::name,
);

pub(super) const TASK_COLUMNS: TaskColumns = (
    (
        tasks::id,
        tasks::plan_id,
        tasks::enterprise_id,
        tasks::draw_rank,
        tasks::status,
        tasks::outcome,
        tasks::findings,
    ),
    (
        tasks::recorded_by,
        tasks::recorded_at,
        tasks::published_by,
        tasks::published_at,
    ),
    (
        plans::title,
        plans::department_id,
        plans::window_start,
        plans::window_end,
        plans::publish_by,
    ),
    enterprises::name,
);

/// Tasks from rows, with their inspectors and item results.
pub(super) fn complete(conn: &mut DbConn, rows: Vec<TaskRow>) -> Result<Vec<Task>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.0.0).collect();
    let mut inspectors: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (task, inspector) in staffing::table
        .filter(staffing::task_id.eq_any(&ids))
        .select((staffing::task_id, staffing::inspector_id))
        .order((staffing::task_id, staffing::inspector_id))
        .load::<(i64, i64)>(conn)?
    {
        inspectors.entry(task).or_default().push(inspector);
    }
    let mut items: BTreeMap<i64, Vec<ItemResult>> = BTreeMap::new();
    let department_ids: Vec<i64> = rows.iter().map(|r| r.2.1).collect();
    let titles: BTreeMap<(i64, String), String> = spot_check_items::table
        .filter(spot_check_items::department_id.eq_any(&department_ids))
        .select((
            spot_check_items::department_id,
            spot_check_items::code,
            spot_check_items::title,
        ))
        .load::<(i64, String, String)>(conn)?
        .into_iter()
        .map(|(d, c, t)| ((d, c), t))
        .collect();
    let departments: BTreeMap<i64, i64> = rows.iter().map(|r| (r.0.0, r.2.1)).collect();
    for (task, code, outcome, finding) in results::table
        .filter(results::task_id.eq_any(&ids))
        .select((
            results::task_id,
            results::item_code,
            results::outcome,
            results::finding,
        ))
        .order((results::task_id, results::item_code))
        .load::<(i64, String, String, String)>(conn)?
    {
        let title = titles
            .get(&(departments[&task], code.clone()))
            .cloned()
            .unwrap_or_default();
        items.entry(task).or_default().push(ItemResult {
            code,
            title,
            outcome: Outcome::from_stored(&outcome).unwrap_or(Outcome::Fail),
            finding,
        });
    }
    let mut files: BTreeMap<i64, Vec<Evidence>> = BTreeMap::new();
    for e in evidence_of(conn, &ids)? {
        files.entry(e.task_id).or_default().push(e);
    }
    rows.into_iter()
        .map(|(t, r, p, name)| {
            Ok(Task {
                id: t.0,
                plan_id: t.1,
                plan_title: p.0,
                department_id: p.1,
                enterprise_id: t.2,
                enterprise_name: name,
                draw_rank: t.3,
                status: TaskStatus::from_stored(&t.4)?,
                inspectors: inspectors.remove(&t.0).unwrap_or_default(),
                window_start: p.2,
                window_end: p.3,
                publish_by: p.4,
                outcome: t.5.as_deref().and_then(Outcome::from_stored),
                findings: t.6,
                items: items.remove(&t.0).unwrap_or_default(),
                evidence: files.remove(&t.0).unwrap_or_default(),
                recorded_by: r.0,
                recorded_at: r.1,
                published_by: r.2,
                published_at: r.3,
            })
        })
        .collect()
}

/// Which tasks to list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TaskFilter {
    pub plan_id: Option<i64>,
    pub status: Option<TaskStatus>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

impl TaskFilter {
    fn paging(&self) -> Paging {
        Paging {
            page: self.page,
            per_page: self.per_page,
        }
    }
}

/// The tasks `actor` may see, by plan and rank: an inspector their own, an enterprise its own,
/// an officer its department's, an administrator all.
pub fn list_tasks(conn: &mut DbConn, actor: &Actor, filter: &TaskFilter) -> Result<Vec<Task>> {
    let (limit, offset) = filter.paging().limits()?;
    let mut query = task_query();
    match actor.role {
        Role::Admin => {}
        Role::Officer => {
            query = query.filter(plans::department_id.nullable().eq(actor.department_id));
        }
        Role::Inspector => {
            let mine: Vec<i64> = staffing::table
                .filter(staffing::inspector_id.eq(actor.user_id))
                .select(staffing::task_id)
                .load(conn)?;
            query = query.filter(tasks::id.eq_any(mine));
        }
        Role::Enterprise => {
            query = query.filter(tasks::enterprise_id.nullable().eq(actor.enterprise_id));
        }
        _ => return Ok(Vec::new()),
    }
    if let Some(plan) = filter.plan_id {
        query = query.filter(tasks::plan_id.eq(plan));
    }
    if let Some(status) = filter.status {
        query = query.filter(tasks::status.eq(status.as_str()));
    }
    let rows = query
        .order((tasks::plan_id.desc(), tasks::draw_rank))
        .limit(limit)
        .offset(offset)
        .select(TASK_COLUMNS)
        .load(conn)?;
    complete(conn, rows)
}

pub(super) fn load_task(conn: &mut DbConn, id: i64) -> Result<Task> {
    let rows = task_query()
        .filter(tasks::id.eq(id))
        .select(TASK_COLUMNS)
        .load(conn)?;
    complete(conn, rows)?.pop().ok_or(RegistryError::NotFound {
        entity: "spot-check task",
    })
}

fn may_see(actor: &Actor, task: &Task) -> bool {
    match actor.role {
        Role::Admin => true,
        Role::Officer => actor.department_id == Some(task.department_id),
        Role::Inspector => task.inspectors.contains(&actor.user_id),
        Role::Enterprise => actor.enterprise_id == Some(task.enterprise_id),
        _ => false,
    }
}

/// One task, when `actor` may see it (404 otherwise).
pub fn find_task(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<Task> {
    let task = load_task(conn, id)?;
    if may_see(actor, &task) {
        Ok(task)
    } else {
        Err(RegistryError::NotFound {
            entity: "spot-check task",
        })
    }
}

/// A file attached to a task's result.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Evidence {
    pub id: i64,
    pub task_id: i64,
    /// The content's SHA-256, hex.
    pub sha256: String,
    pub size_bytes: i64,
    pub content_type: String,
    pub filename: String,
    #[serde(skip)]
    pub storage: Storage,
    pub uploaded_by: String,
    #[serde(with = "crate::time::as_rfc3339")]
    pub uploaded_at: NaiveDateTime,
}

pub(super) type EvidenceRow = (
    i64,
    i64,
    String,
    i64,
    String,
    String,
    String,
    String,
    NaiveDateTime,
);

pub(super) fn from_evidence_row(r: EvidenceRow) -> Result<Evidence> {
    Ok(Evidence {
        id: r.0,
        task_id: r.1,
        sha256: r.2,
        size_bytes: r.3,
        content_type: r.4,
        filename: r.5,
        storage: Storage::from_stored(&r.6)?,
        uploaded_by: r.7,
        uploaded_at: r.8,
    })
}

/// The evidence of tasks `ids`, by task and upload.
fn evidence_of(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<Evidence>> {
    evidence::table
        .filter(evidence::task_id.eq_any(ids))
        .order((evidence::task_id, evidence::id))
        .load::<EvidenceRow>(conn)?
        .into_iter()
        .map(from_evidence_row)
        .collect()
}

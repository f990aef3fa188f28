//! Tasks of a locked plan: seen by their inspectors, their enterprise and the department;
//! results recorded by an assigned inspector, published by the department, public for five
//! years; reminders when a result or its publication is late.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::plans::{Plan, find_plan};
use super::pool::officer_department;
use super::{PUBLICATION_DUE_TOPIC, PUBLIC_YEARS, PUBLISHED_TOPIC, RESULT_DUE_TOPIC};
use crate::db::DbConn;
use crate::departments::find_department;
use crate::error::{Code, RegistryError, Result};
use crate::filings::Paging;
use crate::identity::{Actor, Role};
use crate::ledger::{self, LeafInput, LeafKind};
use crate::notices::{self, Audience, Notice};
use crate::schema::{
    enterprises, spot_check_items, spot_check_plans as plans, spot_check_results as results,
    spot_check_task_inspectors as staffing, spot_check_tasks as tasks,
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
    fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Assigned => "assigned",
            TaskStatus::Recorded => "recorded",
            TaskStatus::Published => "published",
        }
    }

    fn from_stored(s: &str) -> Result<Self> {
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
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
        }
    }

    fn from_stored(s: &str) -> Option<Self> {
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
    pub recorded_by: Option<String>,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub recorded_at: Option<NaiveDateTime>,
    pub published_by: Option<String>,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub published_at: Option<NaiveDateTime>,
}

type TaskRow = (
    (i64, i64, i64, i32, String, Option<String>, Option<String>),
    (Option<String>, Option<NaiveDateTime>, Option<String>, Option<NaiveDateTime>),
    (String, i64, NaiveDate, NaiveDate, NaiveDate),
    String,
);

type Boxed = diesel::helper_types::IntoBoxed<
    'static,
    diesel::helper_types::InnerJoin<
        diesel::helper_types::InnerJoin<tasks::table, plans::table>,
        enterprises::table,
    >,
    <DbConn as Connection>::Backend,
>;

fn task_query() -> Boxed {
    tasks::table
        .inner_join(plans::table)
        .inner_join(enterprises::table)
        .into_boxed()
}

type TaskColumns = (
    (
        tasks::id,
        tasks::plan_id,
        tasks::enterprise_id,
        tasks::draw_rank,
        tasks::status,
        tasks::outcome,
        tasks::findings,
    ),
    (tasks::recorded_by, tasks::recorded_at, tasks::published_by, tasks::published_at),
    (plans::title, plans::department_id, plans::window_start, plans::window_end, plans::publish_by),
    enterprises::name,
);

const TASK_COLUMNS: TaskColumns = (
    (
        tasks::id,
        tasks::plan_id,
        tasks::enterprise_id,
        tasks::draw_rank,
        tasks::status,
        tasks::outcome,
        tasks::findings,
    ),
    (tasks::recorded_by, tasks::recorded_at, tasks::published_by, tasks::published_at),
    (plans::title, plans::department_id, plans::window_start, plans::window_end, plans::publish_by),
    enterprises::name,
);

/// Tasks from rows, with their inspectors and item results.
fn complete(conn: &mut DbConn, rows: Vec<TaskRow>) -> Result<Vec<Task>> {
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
    let titles: BTreeMap<(i64, String), String> = spot_check_items::table
        .select((spot_check_items::department_id, spot_check_items::code, spot_check_items::title))
        .load::<(i64, String, String)>(conn)?
        .into_iter()
        .map(|(d, c, t)| ((d, c), t))
        .collect();
    let departments: BTreeMap<i64, i64> = rows.iter().map(|r| (r.0.0, r.2.1)).collect();
    for (task, code, outcome, finding) in results::table
        .filter(results::task_id.eq_any(&ids))
        .select((results::task_id, results::item_code, results::outcome, results::finding))
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
        Role::Officer => query = query.filter(plans::department_id.nullable().eq(actor.department_id)),
        Role::Inspector => {
            let mine: Vec<i64> = staffing::table
                .filter(staffing::inspector_id.eq(actor.user_id))
                .select(staffing::task_id)
                .load(conn)?;
            query = query.filter(tasks::id.eq_any(mine));
        }
        Role::Enterprise => query = query.filter(tasks::enterprise_id.nullable().eq(actor.enterprise_id)),
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

fn load_task(conn: &mut DbConn, id: i64) -> Result<Task> {
    let rows = task_query()
        .filter(tasks::id.eq(id))
        .select(TASK_COLUMNS)
        .load(conn)?;
    complete(conn, rows)?
        .pop()
        .ok_or(RegistryError::NotFound { entity: "spot-check task" })
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
        Err(RegistryError::NotFound { entity: "spot-check task" })
    }
}

fn check_result(plan: &Plan, new: &NewResult) -> Result<(Outcome, String)> {
    let mut seen: Vec<&str> = Vec::new();
    for (i, item) in new.items.iter().enumerate() {
        let code = item.code.trim();
        if !plan.items.iter().any(|c| c == code) {
            return Err(RegistryError::invalid(
                Code::UnknownCheckItem,
                format!("items[{i}].code"),
                format!("{code:?} is not an item of the plan"),
            ));
        }
        if seen.contains(&code) {
            return Err(RegistryError::invalid(
                Code::InvalidLines,
                format!("items[{i}].code"),
                format!("{code} is given twice"),
            ));
        }
        if item.finding.chars().count() > 2000 {
            return Err(RegistryError::invalid(Code::TooLong, format!("items[{i}].finding"), "at most 2000 characters"));
        }
        if item.outcome == Outcome::Fail && item.finding.trim().is_empty() {
            return Err(RegistryError::invalid(
                Code::Required,
                format!("items[{i}].finding"),
                "a failed item needs its finding",
            ));
        }
        seen.push(code);
    }
    if let Some(missing) = plan.items.iter().find(|c| !seen.contains(&c.as_str())) {
        return Err(RegistryError::invalid(
            Code::Required,
            "items",
            format!("the result of item {missing} is missing"),
        ));
    }
    let findings = crate::enterprises::text("findings", &new.findings, 4000)?.to_owned();
    let failed = new.items.iter().any(|i| i.outcome == Outcome::Fail);
    Ok((if failed { Outcome::Fail } else { Outcome::Pass }, findings))
}

/// Records (or corrects, until published) a task's result: only one of its inspectors (403
/// `not_assigned`), every item of the plan once; 409 `result_published` once public.
pub fn record_result(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: i64,
    new: &NewResult,
) -> Result<Task> {
    let task = load_task(conn, id)?;
    if actor.role != Role::Inspector || !task.inspectors.contains(&actor.user_id) {
        return Err(RegistryError::denied(Code::NotAssigned, "only an inspector of the task records its result"));
    }
    if task.status == TaskStatus::Published {
        return Err(RegistryError::conflict(Code::ResultPublished, "the result is published"));
    }
    let plan = find_plan(conn, task.plan_id)?;
    let (outcome, findings) = check_result(&plan, new)?;
    diesel::delete(results::table.filter(results::task_id.eq(id))).execute(conn)?;
    for item in &new.items {
        diesel::insert_into(results::table)
            .values((
                results::task_id.eq(id),
                results::item_code.eq(item.code.trim()),
                results::outcome.eq(item.outcome.as_str()),
                results::finding.eq(item.finding.trim()),
            ))
            .execute(conn)?;
    }
    diesel::update(tasks::table.find(id))
        .set((
            tasks::status.eq(TaskStatus::Recorded.as_str()),
            tasks::outcome.eq(outcome.as_str()),
            tasks::findings.eq(findings),
            tasks::recorded_by.eq(actor.audit_name()),
            tasks::recorded_at.eq(now),
        ))
        .execute(conn)?;
    load_task(conn, id)
}

/// A published result, as the public reads it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PublicResult {
    pub task_id: i64,
    pub plan_id: i64,
    pub plan_title: String,
    pub department: String,
    pub enterprise_name: String,
    pub credit_code: String,
    pub outcome: Outcome,
    pub findings: String,
    pub items: Vec<ItemResult>,
    /// The day the check was recorded.
    pub checked_on: NaiveDate,
    #[serde(with = "crate::time::as_rfc3339")]
    pub published_at: NaiveDateTime,
}

/// Publishes a recorded result (an officer of the plan's department): it becomes public for
/// five years, its digest enters the evidence ledger, and the enterprise is told. 409
/// `result_missing` before a result, `result_published` twice.
pub fn publish_result(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: i64,
) -> Result<PublicResult> {
    let task = load_task(conn, id)?;
    if officer_department(actor)? != task.department_id {
        return Err(RegistryError::denied(Code::OutsideJurisdiction, "the task is another department's"));
    }
    match task.status {
        TaskStatus::Assigned => {
            return Err(RegistryError::conflict(Code::ResultMissing, "no result is recorded yet"));
        }
        TaskStatus::Published => {
            return Err(RegistryError::conflict(Code::ResultPublished, "the result is published"));
        }
        TaskStatus::Recorded => {}
    }
    let changed = diesel::update(tasks::table.find(id).filter(tasks::status.eq("recorded")))
        .set((
            tasks::status.eq(TaskStatus::Published.as_str()),
            tasks::published_by.eq(actor.audit_name()),
            tasks::published_at.eq(now),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Err(RegistryError::conflict(Code::ResultPublished, "the result was published meanwhile"));
    }
    let task = load_task(conn, id)?;
    let published = public_of(conn, task.clone())?;
    let canonical = serde_json::to_vec(&published)
        .map_err(|e| RegistryError::Inconsistent(format!("result {id}: {e}")))?;
    let digest = hex::encode(Sha256::digest(&canonical));
    ledger::append(
        conn,
        now,
        &LeafInput {
            sha256: &digest,
            kind: LeafKind::SpotCheckResult,
            filed_by: &published.department,
        },
    )?;
    notices::enqueue(
        conn,
        now,
        &Notice {
            topic: PUBLISHED_TOPIC.into(),
            audience: vec![Audience::Enterprise { id: task.enterprise_id }],
            params: json!({
                "task_id": id,
                "title": published.plan_title,
                "department": published.department,
                "outcome": published.outcome.as_str(),
                "findings": published.findings,
                "sha256": digest,
            }),
            source: format!("spot-check-task:{id}"),
        },
        "",
    )?;
    Ok(published)
}

fn public_of(conn: &mut DbConn, task: Task) -> Result<PublicResult> {
    let department = find_department(conn, task.department_id)?;
    let credit_code: String = enterprises::table
        .find(task.enterprise_id)
        .select(enterprises::credit_code)
        .first(conn)?;
    let (Some(outcome), Some(recorded_at), Some(published_at)) =
        (task.outcome, task.recorded_at, task.published_at)
    else {
        return Err(RegistryError::Inconsistent(format!("published task {} without its result", task.id)));
    };
    Ok(PublicResult {
        task_id: task.id,
        plan_id: task.plan_id,
        plan_title: task.plan_title,
        department: department.name,
        enterprise_name: task.enterprise_name,
        credit_code,
        outcome,
        findings: task.findings.unwrap_or_default(),
        items: task.items,
        checked_on: recorded_at.date(),
        published_at,
    })
}

/// Results published in the last five years, newest first.
pub fn public_results(conn: &mut DbConn, now: NaiveDateTime, paging: Paging) -> Result<Vec<PublicResult>> {
    let (limit, offset) = paging.limits()?;
    let since = now
        .date()
        .with_year_offset(-PUBLIC_YEARS)
        .and_hms_opt(0, 0, 0)
        .unwrap_or(now);
    let rows = task_query()
        .filter(tasks::status.eq(TaskStatus::Published.as_str()))
        .filter(tasks::published_at.ge(since))
        .order((tasks::published_at.desc(), tasks::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(TASK_COLUMNS)
        .load(conn)?;
    complete(conn, rows)?
        .into_iter()
        .map(|t| public_of(conn, t))
        .collect()
}

trait YearOffset {
    fn with_year_offset(self, years: i32) -> Self;
}

impl YearOffset for NaiveDate {
    fn with_year_offset(self, years: i32) -> Self {
        use chrono::Datelike;
        self.with_year(self.year() + years)
            .or_else(|| self.pred_opt().and_then(|d| d.with_year(d.year() + years)))
            .unwrap_or(self)
    }
}

/// What one run of the schedule reminded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Reminded {
    /// Tasks whose inspectors were reminded of a result due.
    pub results_due: usize,
    /// Tasks whose department was reminded of a publication due.
    pub publications_due: usize,
}

/// Reminds, at most once a day per task: the inspectors of a task without a result once its
/// window has closed; the department of a result not published by the plan's deadline.
pub fn remind_overdue(conn: &mut DbConn, now: NaiveDateTime) -> Result<Reminded> {
    let today = now.date();
    let day_ago = now - Duration::days(1);
    let due: Vec<(i64, String, i64, i32, String, NaiveDate)> = tasks::table
        .inner_join(plans::table)
        .filter(
            tasks::status
                .eq(TaskStatus::Assigned.as_str())
                .and(plans::window_end.lt(today))
                .or(tasks::status
                    .eq(TaskStatus::Recorded.as_str())
                    .and(plans::publish_by.lt(today))),
        )
        .filter(tasks::last_reminded_at.is_null().or(tasks::last_reminded_at.le(day_ago)))
        .select((tasks::id, tasks::status, plans::department_id, tasks::reminders, plans::title, plans::window_end))
        .order(tasks::id)
        .limit(10_000)
        .load(conn)?;
    let mut done = Reminded::default();
    for (id, status, department_id, reminders, title, window_end) in due {
        let n = reminders + 1;
        let (topic, audience) = if status == TaskStatus::Assigned.as_str() {
            done.results_due += 1;
            let ids: Vec<i64> = staffing::table
                .filter(staffing::task_id.eq(id))
                .select(staffing::inspector_id)
                .load(conn)?;
            (RESULT_DUE_TOPIC, Audience::Users { ids })
        } else {
            done.publications_due += 1;
            (PUBLICATION_DUE_TOPIC, Audience::Department { id: department_id })
        };
        notices::enqueue(
            conn,
            now,
            &Notice {
                topic: topic.into(),
                audience: vec![audience],
                params: json!({ "task_id": id, "title": title, "window_end": window_end.to_string(), "reminder": n }),
                source: format!("spot-check-task:{id}:reminder:{n}"),
            },
            "",
        )?;
        diesel::update(tasks::table.find(id))
            .set((tasks::reminders.eq(n), tasks::last_reminded_at.eq(now)))
            .execute(conn)?;
    }
    Ok(done)
}

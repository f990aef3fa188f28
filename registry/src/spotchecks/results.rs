//! Results: recorded per item by an assigned inspector, published by the department (public
//! for five years, the digest in the evidence ledger, the enterprise told).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::plans::{Plan, find_plan};
use super::pool::officer_department;
use super::tasks::{
    ItemResult, NewResult, Outcome, TASK_COLUMNS, Task, TaskStatus, complete, load_task, task_query,
};
use super::{PUBLIC_YEARS, PUBLISHED_TOPIC};
use crate::db::DbConn;
use crate::departments::find_department;
use crate::error::{Code, RegistryError, Result};
use crate::filings::Paging;
use crate::identity::{Actor, Role};
use crate::ledger::{self, LeafInput, LeafKind};
use crate::notices::{self, Audience, Notice};
use crate::schema::{enterprises, spot_check_results as results, spot_check_tasks as tasks};

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
            return Err(RegistryError::invalid(
                Code::TooLong,
                format!("items[{i}].finding"),
                "at most 2000 characters",
            ));
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
        return Err(RegistryError::denied(
            Code::NotAssigned,
            "only an inspector of the task records its result",
        ));
    }
    if task.status == TaskStatus::Published {
        return Err(RegistryError::conflict(
            Code::ResultPublished,
            "the result is published",
        ));
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
    /// The files attached to the result, by name and SHA-256 (the content is not public).
    pub evidence: Vec<PublicEvidence>,
    /// The day the check was recorded.
    pub checked_on: NaiveDate,
    #[serde(with = "crate::time::as_rfc3339")]
    pub published_at: NaiveDateTime,
}

/// A file of a published result, as the public reads it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PublicEvidence {
    pub filename: String,
    pub sha256: String,
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
        return Err(RegistryError::denied(
            Code::OutsideJurisdiction,
            "the task is another department's",
        ));
    }
    match task.status {
        TaskStatus::Assigned => {
            return Err(RegistryError::conflict(
                Code::ResultMissing,
                "no result is recorded yet",
            ));
        }
        TaskStatus::Published => {
            return Err(RegistryError::conflict(
                Code::ResultPublished,
                "the result is published",
            ));
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
        return Err(RegistryError::conflict(
            Code::ResultPublished,
            "the result was published meanwhile",
        ));
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
            audience: vec![Audience::Enterprise {
                id: task.enterprise_id,
            }],
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
        return Err(RegistryError::Inconsistent(format!(
            "published task {} without its result",
            task.id
        )));
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
        evidence: task
            .evidence
            .into_iter()
            .map(|e| PublicEvidence {
                filename: e.filename,
                sha256: e.sha256,
            })
            .collect(),
        checked_on: recorded_at.date(),
        published_at,
    })
}

/// Results published in the last five years, newest first.
pub fn public_results(
    conn: &mut DbConn,
    now: NaiveDateTime,
    paging: Paging,
) -> Result<Vec<PublicResult>> {
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

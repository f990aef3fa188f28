//! Spot checks (`registry::spotchecks`): the department's check items and inspector pool,
//! conflicts of interest, plans and their draw (the seed drawn here, from the operating
//! system's generator, at locking), results and their publication, and the schedule's
//! reminders, each audited.

use registry::spotchecks::{
    self, CheckItem, Conflict, DrawnTask, Inspector, NewCheckItem, NewConflict, NewInspector,
    NewPlan, NewResult, Plan, PublicResult, Recomputed, Reminded, Seed, Task,
};
use serde_json::json;

use super::{Caller, Change, Origin, Request, audited, audited_as};
use crate::app::Core;
use crate::error::ApiError;

/// Adds a check item to the officer's department.
pub fn add_item(core: &Core, caller: &Caller, new: &NewCheckItem) -> Result<CheckItem, ApiError> {
    audited_as(core, caller, "spotcheck.item.add", |conn, now, actor| {
        let item = spotchecks::add_item(conn, now, actor, new)?;
        let detail = json!({ "category": item.category, "code": item.code, "title": item.title });
        Ok(Change::recorded(
            item.clone(),
            format!("spot-check-item:{}", item.id),
            detail,
        ))
    })
}

/// Enrols an inspector in the officer's department's pool.
pub fn enrol(core: &Core, caller: &Caller, new: &NewInspector) -> Result<Inspector, ApiError> {
    audited_as(
        core,
        caller,
        "spotcheck.inspector.enrol",
        |conn, now, actor| {
            let inspector = spotchecks::enrol_inspector(conn, now, actor, new)?;
            let detail = json!({ "department_id": inspector.department_id, "region_code": inspector.region_code });
            let target = format!("user:{}", inspector.user_id);
            Ok(Change::recorded(inspector, target, detail))
        },
    )
}

/// Records a conflict of interest (declared by the inspector, or a relation an officer found).
pub fn record_conflict(
    core: &Core,
    caller: &Caller,
    inspector_id: i64,
    new: &NewConflict,
) -> Result<Conflict, ApiError> {
    audited_as(core, caller, "spotcheck.conflict", |conn, now, actor| {
        let conflict = spotchecks::record_conflict(conn, now, actor, inspector_id, new)?;
        let detail = json!({ "inspector_id": inspector_id, "enterprise_id": conflict.enterprise_id, "kind": conflict.kind });
        Ok(Change::recorded(
            conflict,
            format!("user:{inspector_id}"),
            detail,
        ))
    })
}

/// Drafts a plan.
pub fn create_plan(core: &Core, caller: &Caller, new: &NewPlan) -> Result<Plan, ApiError> {
    audited_as(core, caller, "spotcheck.plan.create", |conn, now, actor| {
        let plan = spotchecks::create_plan(conn, now, actor, new)?;
        let detail = json!({ "title": plan.title, "categories": plan.categories, "regions": plan.regions, "items": plan.items, "ratios": plan.ratios });
        Ok(Change::recorded(
            plan.clone(),
            format!("spot-check-plan:{}", plan.id),
            detail,
        ))
    })
}

/// Locks a plan with a fresh random seed: the draw is made, its tasks written and told. The
/// plan and its tasks as drawn.
pub fn lock_plan(
    core: &Core,
    caller: &Caller,
    id: i64,
) -> Result<(Plan, Vec<DrawnTask>), ApiError> {
    let seed: Seed = rand::random();
    audited_as(core, caller, "spotcheck.plan.lock", |conn, now, actor| {
        let (plan, tasks) = spotchecks::lock_plan(conn, now, actor, id, &seed)?;
        let detail = json!({ "seed": plan.seed, "pool_digest": plan.pool_digest, "draw_digest": plan.draw_digest, "tasks": tasks.len() });
        Ok(Change::recorded(
            (plan, tasks),
            format!("spot-check-plan:{id}"),
            detail,
        ))
    })
}

/// Records (or corrects) a task's result as one of its inspectors.
pub fn record_result(
    core: &Core,
    caller: &Caller,
    id: i64,
    new: &NewResult,
) -> Result<Task, ApiError> {
    audited_as(
        core,
        caller,
        "spotcheck.result.record",
        |conn, now, actor| {
            let task = spotchecks::record_result(conn, now, actor, id, new)?;
            let detail = json!({ "enterprise_id": task.enterprise_id, "outcome": task.outcome, "items": task.items.len() });
            Ok(Change::recorded(
                task,
                format!("spot-check-task:{id}"),
                detail,
            ))
        },
    )
}

/// Attaches a staged file to a task's result as one of its inspectors; the content placed in
/// the document store, the row and the audit entry in one transaction.
pub fn attach_evidence(
    core: &Core,
    caller: &Caller,
    id: i64,
    content_type: &str,
    filename: Option<&str>,
    staged: registry::documents::Staged,
) -> Result<spotchecks::Evidence, ApiError> {
    let store = core.config.document_store();
    audited_as(core, caller, "spotcheck.evidence", |conn, now, actor| {
        let evidence = spotchecks::attach_evidence(
            conn,
            now,
            actor,
            id,
            &store,
            staged,
            content_type,
            filename,
        )?;
        let detail = json!({ "sha256": evidence.sha256, "size_bytes": evidence.size_bytes, "filename": evidence.filename });
        Ok(Change::recorded(
            evidence,
            format!("spot-check-task:{id}"),
            detail,
        ))
    })
}

/// Publishes a task's result.
pub fn publish_result(core: &Core, caller: &Caller, id: i64) -> Result<PublicResult, ApiError> {
    audited_as(
        core,
        caller,
        "spotcheck.result.publish",
        |conn, now, actor| {
            let published = spotchecks::publish_result(conn, now, actor, id)?;
            let detail =
                json!({ "credit_code": published.credit_code, "outcome": published.outcome });
            Ok(Change::recorded(
                published,
                format!("spot-check-task:{id}"),
                detail,
            ))
        },
    )
}

/// The schedule's run: late results and publications reminded. Audited as
/// `job:spot-check-reminders` when it reminded anyone.
pub fn remind(core: &Core, request: Request) -> Result<Reminded, ApiError> {
    let origin = Origin {
        by: "job:spot-check-reminders".into(),
        request,
    };
    audited::<_, ApiError>(core, &origin, "spotcheck.remind", |conn, now| {
        let done = spotchecks::remind_overdue(conn, now)?;
        if done.results_due + done.publications_due == 0 {
            return Ok(Change::unwritten(done));
        }
        let detail =
            json!({ "results_due": done.results_due, "publications_due": done.publications_due });
        Ok(Change::recorded(done, "spot_check_tasks", detail))
    })
}

/// Computes a locked plan's draw again from what is stored and published, and compares it.
pub fn verify_draw(core: &Core, id: i64) -> Result<Recomputed, ApiError> {
    let record = spotchecks::draw_record(&mut *core.db.conn()?, id)?;
    Ok(spotchecks::recompute(&record))
}

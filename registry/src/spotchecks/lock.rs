//! Locking a plan: the inputs gathered and frozen, the seed fixed, the draw written as tasks and
//! told to the inspectors and the enterprises, in one transaction.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use super::draw::{DrawInputs, DrawnTask, Seed, draw, draw_digest, inputs_digest};
use super::plans::{Plan, PlanStatus, find_plan};
use super::pool::officer_department;
use super::{ASSIGNED_TOPIC, DRAWN_TOPIC};
use crate::db::DbConn;
use crate::departments::find_department;
use crate::enterprises::{CreditTier, Status};
use crate::error::{Code, RegistryError, Result};
use crate::identity::Actor;
use crate::notices::{self, Audience, Notice};
use crate::schema::{
    enterprise_categories, enterprises, inspector_conflicts, inspectors, spot_check_plans as plans,
    spot_check_task_inspectors, spot_check_tasks, users,
};

/// Enterprises per "you were drawn" notice.
const ENTERPRISES_PER_NOTICE: usize = 500;

fn officer_of(actor: &Actor, plan: &Plan) -> Result<()> {
    if officer_department(actor)? == plan.department_id {
        Ok(())
    } else {
        Err(RegistryError::denied(
            Code::OutsideJurisdiction,
            "the plan is another department's",
        ))
    }
}

/// Locks a draft plan with `seed`: freezes the inputs, draws, writes the tasks and tells the
/// inspectors (each their tasks) and the enterprises drawn. 409 `plan_locked` when locked
/// already, `not_enough_inspectors` when a task cannot be staffed.
pub fn lock_plan(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: i64,
    seed: &Seed,
) -> Result<(Plan, Vec<DrawnTask>)> {
    let plan = find_plan(conn, id)?;
    officer_of(actor, &plan)?;
    if plan.status == PlanStatus::Locked {
        return Err(RegistryError::conflict(
            Code::PlanLocked,
            "the plan is locked: its draw is made",
        ));
    }
    let inputs = gather_inputs(conn, &plan)?;
    let tasks = draw(&inputs, seed).map_err(|u| {
        RegistryError::conflict(
            Code::NotEnoughInspectors,
            format!(
                "enterprise {} can be checked by only {} eligible inspectors of the pool, fewer than the {} a task needs",
                u.enterprise_id, u.eligible, plan.inspectors_per_task
            ),
        )
    })?;
    freeze(conn, id, &inputs)?;
    write_tasks(conn, id, &tasks)?;
    let locked = diesel::update(plans::table.find(id).filter(plans::status.eq("draft")))
        .set((
            plans::status.eq(PlanStatus::Locked.as_str()),
            plans::seed.eq(hex::encode(seed)),
            plans::pool_digest.eq(inputs_digest(&inputs)),
            plans::draw_digest.eq(draw_digest(&tasks)),
            plans::locked_by.eq(actor.audit_name()),
            plans::locked_at.eq(now),
        ))
        .execute(conn)?;
    if locked == 0 {
        return Err(RegistryError::conflict(
            Code::PlanLocked,
            "the plan was locked meanwhile",
        ));
    }
    let plan = find_plan(conn, id)?;
    tell(conn, now, &plan, &tasks)?;
    Ok((plan, tasks))
}

/// The enterprises, inspectors and exclusions of a draft plan as they stand.
fn gather_inputs(conn: &mut DbConn, plan: &Plan) -> Result<DrawInputs> {
    let categories: Vec<&str> = plan.categories.iter().map(|c| c.as_str()).collect();
    let rows: Vec<(i64, String, String)> = enterprises::table
        .inner_join(enterprise_categories::table)
        .filter(enterprises::status.eq(Status::Active.as_str()))
        .filter(enterprise_categories::category.eq_any(&categories))
        .select((
            enterprises::id,
            enterprises::region_code,
            enterprises::credit_tier,
        ))
        .distinct()
        .load(conn)?;
    let mut eligible: BTreeMap<i64, CreditTier> = BTreeMap::new();
    for (id, region, tier) in rows {
        if plan
            .regions
            .iter()
            .any(|r| crate::regions::covers(r, &region))
        {
            eligible.insert(id, CreditTier::from_stored(&tier)?);
        }
    }
    let pool: Vec<i64> = inspectors::table
        .inner_join(users::table)
        .filter(inspectors::department_id.eq(plan.department_id))
        .filter(inspectors::active.eq(true))
        .filter(users::active.eq(true))
        .select(inspectors::user_id)
        .order(inspectors::user_id)
        .load(conn)?;
    let in_pool: BTreeSet<i64> = pool.iter().copied().collect();
    let mut exclusions = BTreeSet::new();
    let conflicts: Vec<(i64, i64)> = inspector_conflicts::table
        .filter(inspector_conflicts::inspector_id.eq_any(&pool))
        .select((
            inspector_conflicts::enterprise_id,
            inspector_conflicts::inspector_id,
        ))
        .load(conn)?;
    exclusions.extend(conflicts);
    exclusions.extend(previous_cycle(conn, plan)?);
    exclusions.retain(|(e, i)| eligible.contains_key(e) && in_pool.contains(i));
    Ok(DrawInputs {
        ratios: plan.ratios,
        inspectors_per_task: plan.inspectors_per_task,
        enterprises: eligible.into_iter().collect(),
        inspectors: pool,
        exclusions,
    })
}

/// (enterprise, inspector) pairs of the department's last plan locked before this one.
fn previous_cycle(conn: &mut DbConn, plan: &Plan) -> Result<Vec<(i64, i64)>> {
    let previous: Option<i64> = plans::table
        .filter(plans::department_id.eq(plan.department_id))
        .filter(plans::status.eq(PlanStatus::Locked.as_str()))
        .filter(plans::id.ne(plan.id))
        .order((plans::locked_at.desc(), plans::id.desc()))
        .select(plans::id)
        .first(conn)
        .optional()?;
    let Some(previous) = previous else {
        return Ok(Vec::new());
    };
    Ok(spot_check_tasks::table
        .inner_join(spot_check_task_inspectors::table)
        .filter(spot_check_tasks::plan_id.eq(previous))
        .select((
            spot_check_tasks::enterprise_id,
            spot_check_task_inspectors::inspector_id,
        ))
        .load(conn)?)
}

/// Inserts rows given as SQL value tuples, 1,000 per statement. Only for values the hub makes
/// (integers and fixed names such as a tier), never for text a user typed.
fn insert_values(conn: &mut DbConn, into: &str, rows: &[String]) -> Result<()> {
    for chunk in rows.chunks(1_000) {
        diesel::sql_query(format!("INSERT INTO {into} VALUES {}", chunk.join(",")))
            .execute(conn)?;
    }
    Ok(())
}

/// Writes the frozen inputs of plan `id`.
fn freeze(conn: &mut DbConn, id: i64, inputs: &DrawInputs) -> Result<()> {
    let enterprises: Vec<String> = inputs
        .enterprises
        .iter()
        .map(|(e, tier)| format!("({id},{e},'{}')", tier.as_str()))
        .collect();
    insert_values(
        conn,
        "spot_check_pool (plan_id, enterprise_id, tier)",
        &enterprises,
    )?;
    let inspectors: Vec<String> = inputs
        .inspectors
        .iter()
        .map(|i| format!("({id},{i})"))
        .collect();
    insert_values(
        conn,
        "spot_check_pool_inspectors (plan_id, inspector_id)",
        &inspectors,
    )?;
    let exclusions: Vec<String> = inputs
        .exclusions
        .iter()
        .map(|(e, i)| format!("({id},{e},{i},'conflict')"))
        .collect();
    insert_values(
        conn,
        "spot_check_exclusions (plan_id, enterprise_id, inspector_id, reason)",
        &exclusions,
    )
}

/// Writes the tasks of a draw and their inspectors.
fn write_tasks(conn: &mut DbConn, id: i64, tasks: &[DrawnTask]) -> Result<()> {
    let rows: Vec<String> = tasks
        .iter()
        .map(|t| format!("({id},{},{},'assigned',0)", t.enterprise_id, t.rank))
        .collect();
    insert_values(
        conn,
        "spot_check_tasks (plan_id, enterprise_id, draw_rank, status, reminders)",
        &rows,
    )?;
    let ids: BTreeMap<i64, i64> = spot_check_tasks::table
        .filter(spot_check_tasks::plan_id.eq(id))
        .select((spot_check_tasks::enterprise_id, spot_check_tasks::id))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let pairs: Vec<String> = tasks
        .iter()
        .flat_map(|t| {
            let task = ids.get(&t.enterprise_id).copied().unwrap_or_default();
            t.inspectors.iter().map(move |i| format!("({task},{i})"))
        })
        .collect();
    insert_values(
        conn,
        "spot_check_task_inspectors (task_id, inspector_id)",
        &pairs,
    )
}

/// Tells each inspector their tasks and the enterprises drawn, in the locking transaction.
fn tell(conn: &mut DbConn, now: NaiveDateTime, plan: &Plan, tasks: &[DrawnTask]) -> Result<()> {
    let department = find_department(conn, plan.department_id)?;
    let drawn: Vec<i64> = tasks.iter().map(|t| t.enterprise_id).collect();
    let mut names: BTreeMap<i64, String> = BTreeMap::new();
    for chunk in drawn.chunks(5_000) {
        names.extend(
            enterprises::table
                .filter(enterprises::id.eq_any(chunk))
                .select((enterprises::id, enterprises::name))
                .load::<(i64, String)>(conn)?,
        );
    }
    let mut by_inspector: BTreeMap<i64, Vec<&DrawnTask>> = BTreeMap::new();
    for task in tasks {
        for inspector in &task.inspectors {
            by_inspector.entry(*inspector).or_default().push(task);
        }
    }
    let common = json!({
        "plan_id": plan.id,
        "title": plan.title,
        "department": department.name,
        "window_start": plan.window_start.to_string(),
        "window_end": plan.window_end.to_string(),
        "items": plan.items.join(", "),
    });
    for (inspector, mine) in by_inspector {
        let lines: Vec<String> = mine
            .iter()
            .take(100)
            .map(|t| {
                format!(
                    "#{} {}",
                    t.rank,
                    names.get(&t.enterprise_id).map_or("", String::as_str)
                )
            })
            .collect();
        let mut params = common.clone();
        params["tasks"] = json!(mine.len());
        params["enterprises"] = json!(lines.join("\n"));
        notices::enqueue(
            conn,
            now,
            &Notice {
                topic: ASSIGNED_TOPIC.into(),
                audience: vec![Audience::Users {
                    ids: vec![inspector],
                }],
                params,
                source: format!("spot-check-plan:{}:inspector:{inspector}", plan.id),
            },
            "",
        )?;
    }
    for (i, chunk) in drawn.chunks(ENTERPRISES_PER_NOTICE).enumerate() {
        notices::enqueue(
            conn,
            now,
            &Notice {
                topic: DRAWN_TOPIC.into(),
                audience: vec![Audience::Enterprises {
                    ids: chunk.to_vec(),
                }],
                params: common.clone(),
                source: format!("spot-check-plan:{}:enterprises:{i}", plan.id),
            },
            "",
        )?;
    }
    Ok(())
}

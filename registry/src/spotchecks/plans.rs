//! Plans: drafted by an officer, locked once; locking freezes the draw's inputs, fixes the seed
//! and writes the draw as tasks, and the draw can be computed again from what is published.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::draw::{DrawInputs, DrawnTask, Ratios, Seed, draw, draw_digest, inputs_digest};
use super::pool::officer_department;
use super::{ASSIGNED_TOPIC, DRAWN_TOPIC, add_working_days, join, split};
use crate::db::DbConn;
use crate::departments::{Category, Department, find_department};
use crate::enterprises::{CreditTier, Status, text};
use crate::error::{Code, RegistryError, Result};
use crate::filings::Paging;
use crate::identity::Actor;
use crate::notices::{self, Audience, Notice};
use crate::schema::{
    enterprise_categories, enterprises, inspector_conflicts, inspectors, spot_check_exclusions,
    spot_check_items, spot_check_plans as plans, spot_check_pool, spot_check_pool_inspectors,
    spot_check_task_inspectors, spot_check_tasks, users,
};

/// Enterprises per "you were drawn" notice.
const ENTERPRISES_PER_NOTICE: usize = 500;

/// A plan as an officer drafts it.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPlan {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    /// The categories in scope (each regulated by the department).
    #[schema(min_items = 1, max_items = 7)]
    pub categories: Vec<Category>,
    /// The regions in scope (GB/T 2260 or Vietnamese codes under the department's region).
    #[schema(min_items = 1, max_items = 50)]
    pub regions: Vec<String>,
    /// Codes of the department's check items (of the categories in scope).
    #[schema(min_items = 1, max_items = 100)]
    pub items: Vec<String>,
    /// Sampling ratio per credit tier in basis points (default D 3000, C 1000, B 200, A 100).
    #[serde(default)]
    pub ratios: Option<Ratios>,
    /// Inspectors per task, 2 to 10 (default 2).
    #[serde(default)]
    #[schema(minimum = 2, maximum = 10)]
    pub inspectors_per_task: Option<u32>,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    /// Working days after the window to publish the results, 1 to 60 (default 20).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 60)]
    pub publish_within_days: Option<u32>,
}

/// Where a plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// Editable, not drawn.
    Draft,
    /// Drawn: the seed, the inputs and the tasks are fixed and public.
    Locked,
}

impl PlanStatus {
    fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Locked => "locked",
        }
    }
}

/// A plan.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Plan {
    pub id: i64,
    pub department_id: i64,
    pub title: String,
    pub categories: Vec<Category>,
    pub regions: Vec<String>,
    pub items: Vec<String>,
    pub ratios: Ratios,
    pub inspectors_per_task: u32,
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    pub publish_within_days: u32,
    /// The last day to publish results.
    pub publish_by: NaiveDate,
    pub status: PlanStatus,
    /// The draw's seed, 64 hex characters (once locked).
    pub seed: Option<String>,
    /// SHA-256 of the frozen inputs ([`super::inputs_digest`]).
    pub pool_digest: Option<String>,
    /// SHA-256 of the draw ([`super::draw_digest`]).
    pub draw_digest: Option<String>,
    pub created_by: String,
    #[serde(with = "crate::time::as_rfc3339")]
    pub created_at: NaiveDateTime,
    pub locked_by: Option<String>,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub locked_at: Option<NaiveDateTime>,
}

#[derive(Queryable)]
struct PlanRow {
    id: i64,
    department_id: i64,
    title: String,
    categories: String,
    regions: String,
    items: String,
    ratio_a: i32,
    ratio_b: i32,
    ratio_c: i32,
    ratio_d: i32,
    inspectors_per_task: i32,
    window_start: NaiveDate,
    window_end: NaiveDate,
    publish_within_days: i32,
    publish_by: NaiveDate,
    status: String,
    seed: Option<String>,
    pool_digest: Option<String>,
    draw_digest: Option<String>,
    created_by: String,
    created_at: NaiveDateTime,
    locked_by: Option<String>,
    locked_at: Option<NaiveDateTime>,
}

fn unsigned(v: i32) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

impl From<PlanRow> for Plan {
    fn from(r: PlanRow) -> Self {
        Plan {
            id: r.id,
            department_id: r.department_id,
            title: r.title,
            categories: Category::parse_stored(&r.categories),
            regions: split(&r.regions),
            items: split(&r.items),
            ratios: Ratios {
                a: unsigned(r.ratio_a),
                b: unsigned(r.ratio_b),
                c: unsigned(r.ratio_c),
                d: unsigned(r.ratio_d),
            },
            inspectors_per_task: unsigned(r.inspectors_per_task),
            window_start: r.window_start,
            window_end: r.window_end,
            publish_within_days: unsigned(r.publish_within_days),
            publish_by: r.publish_by,
            status: if r.status == "locked" {
                PlanStatus::Locked
            } else {
                PlanStatus::Draft
            },
            seed: r.seed,
            pool_digest: r.pool_digest,
            draw_digest: r.draw_digest,
            created_by: r.created_by,
            created_at: r.created_at,
            locked_by: r.locked_by,
            locked_at: r.locked_at,
        }
    }
}

fn number(field: &str, value: u32, min: u32, max: u32) -> Result<i32> {
    if (min..=max).contains(&value) {
        Ok(value as i32)
    } else {
        Err(RegistryError::invalid(
            Code::InvalidNumber,
            field,
            format!("must be {min} to {max}"),
        ))
    }
}

fn check_scope(department: &Department, new: &NewPlan) -> Result<(Vec<Category>, Vec<String>)> {
    let mut categories = Vec::new();
    for (i, category) in new.categories.iter().enumerate() {
        if !department.categories.contains(category) {
            return Err(RegistryError::invalid(
                Code::InvalidCategory,
                format!("categories[{i}]"),
                format!("the department does not regulate {}", category.as_str()),
            ));
        }
        if !categories.contains(category) {
            categories.push(*category);
        }
    }
    if categories.is_empty() {
        return Err(RegistryError::invalid(Code::Required, "categories", "name at least one category"));
    }
    if new.regions.is_empty() || new.regions.len() > 50 {
        return Err(RegistryError::invalid(Code::InvalidRegion, "regions", "name 1 to 50 regions"));
    }
    let mut regions = Vec::new();
    for (i, region) in new.regions.iter().enumerate() {
        let region = region.trim();
        if region.is_empty() || !crate::regions::covers(&department.region_code, region) {
            return Err(RegistryError::invalid(
                Code::InvalidRegion,
                format!("regions[{i}]"),
                format!("not a region under the department's ({})", department.region_code),
            ));
        }
        if !regions.iter().any(|r| r == region) {
            regions.push(region.to_owned());
        }
    }
    Ok((categories, regions))
}

fn check_items(
    conn: &mut DbConn,
    department_id: i64,
    categories: &[Category],
    codes: &[String],
) -> Result<Vec<String>> {
    if codes.is_empty() || codes.len() > 100 {
        return Err(RegistryError::invalid(Code::UnknownCheckItem, "items", "name 1 to 100 check items"));
    }
    let known: BTreeMap<String, String> = spot_check_items::table
        .filter(spot_check_items::department_id.eq(department_id))
        .select((spot_check_items::code, spot_check_items::category))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let mut items = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        let code = code.trim();
        let in_scope = known
            .get(code)
            .is_some_and(|c| categories.iter().any(|cat| cat.as_str() == c));
        if !in_scope {
            return Err(RegistryError::invalid(
                Code::UnknownCheckItem,
                format!("items[{i}]"),
                format!("{code:?} is not a check item of the department in the plan's categories"),
            ));
        }
        if !items.iter().any(|c| c == code) {
            items.push(code.to_owned());
        }
    }
    Ok(items)
}

/// Drafts a plan for the officer's department.
pub fn create_plan(conn: &mut DbConn, now: NaiveDateTime, actor: &Actor, new: &NewPlan) -> Result<Plan> {
    let department_id = officer_department(actor)?;
    let department = find_department(conn, department_id)?;
    let title = text("title", &new.title, 200)?;
    let (categories, regions) = check_scope(&department, new)?;
    let items = check_items(conn, department_id, &categories, &new.items)?;
    let ratios = new.ratios.unwrap_or_default();
    let ratio = |tier: &str, v: u32| number(&format!("ratios.{tier}"), v, 0, 10_000);
    let per_task = number("inspectors_per_task", new.inspectors_per_task.unwrap_or(2), 2, 10)?;
    let within = number("publish_within_days", new.publish_within_days.unwrap_or(20), 1, 60)?;
    if new.window_end < new.window_start {
        return Err(RegistryError::invalid(Code::InvalidRange, "window_end", "must not be before window_start"));
    }
    let id: i64 = diesel::insert_into(plans::table)
        .values((
            plans::department_id.eq(department_id),
            plans::title.eq(title),
            plans::categories.eq(Category::join(&categories)),
            plans::regions.eq(join(&regions)),
            plans::items.eq(join(&items)),
            plans::ratio_a.eq(ratio("A", ratios.a)?),
            plans::ratio_b.eq(ratio("B", ratios.b)?),
            plans::ratio_c.eq(ratio("C", ratios.c)?),
            plans::ratio_d.eq(ratio("D", ratios.d)?),
            plans::inspectors_per_task.eq(per_task),
            plans::window_start.eq(new.window_start),
            plans::window_end.eq(new.window_end),
            plans::publish_within_days.eq(within),
            plans::publish_by.eq(add_working_days(new.window_end, within as u32)),
            plans::status.eq(PlanStatus::Draft.as_str()),
            plans::created_by.eq(actor.audit_name()),
            plans::created_at.eq(now),
        ))
        .returning(plans::id)
        .get_result(conn)?;
    find_plan(conn, id)
}

/// A plan by id.
pub fn find_plan(conn: &mut DbConn, id: i64) -> Result<Plan> {
    plans::table
        .find(id)
        .first::<PlanRow>(conn)
        .optional()?
        .map(Plan::from)
        .ok_or(RegistryError::NotFound { entity: "spot-check plan" })
}

/// Which plans to list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlanFilter {
    pub department_id: Option<i64>,
    pub status: Option<PlanStatus>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

impl PlanFilter {
    fn paging(&self) -> Paging {
        Paging {
            page: self.page,
            per_page: self.per_page,
        }
    }
}

/// Plans, newest first.
pub fn list_plans(conn: &mut DbConn, filter: &PlanFilter) -> Result<Vec<Plan>> {
    let (limit, offset) = filter.paging().limits()?;
    let mut query = plans::table.order(plans::id.desc()).into_boxed();
    if let Some(dept) = filter.department_id {
        query = query.filter(plans::department_id.eq(dept));
    }
    if let Some(status) = filter.status {
        query = query.filter(plans::status.eq(status.as_str()));
    }
    Ok(query
        .limit(limit)
        .offset(offset)
        .load::<PlanRow>(conn)?
        .into_iter()
        .map(Plan::from)
        .collect())
}

/// A locked plan's draw as published: the plan, its seed, the frozen inputs and the tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DrawRecord {
    pub plan_id: i64,
    /// 64 hex characters.
    pub seed: String,
    /// The inputs' digest published at locking ([`inputs_digest`]).
    pub pool_digest: String,
    /// The draw's digest published at locking ([`draw_digest`]).
    pub draw_digest: String,
    pub inputs: DrawInputs,
    pub tasks: Vec<DrawnTask>,
}

/// What a recomputation found.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Recomputed {
    pub plan_id: i64,
    pub seed: String,
    /// The published inputs' digest, and whether the inputs have it.
    pub pool_digest: String,
    pub inputs_match: bool,
    /// The published draw's digest, and whether the recomputed draw has it and the tasks listed.
    pub draw_digest: String,
    pub draw_matches: bool,
    pub tasks: usize,
    /// True when the inputs and the draw both match.
    pub verified: bool,
}

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
        return Err(RegistryError::conflict(Code::PlanLocked, "the plan is locked: its draw is made"));
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
        return Err(RegistryError::conflict(Code::PlanLocked, "the plan was locked meanwhile"));
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
        .select((enterprises::id, enterprises::region_code, enterprises::credit_tier))
        .distinct()
        .load(conn)?;
    let mut eligible: BTreeMap<i64, CreditTier> = BTreeMap::new();
    for (id, region, tier) in rows {
        if plan.regions.iter().any(|r| crate::regions::covers(r, &region)) {
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
        .select((inspector_conflicts::enterprise_id, inspector_conflicts::inspector_id))
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
        .select((spot_check_tasks::enterprise_id, spot_check_task_inspectors::inspector_id))
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
    insert_values(conn, "spot_check_pool (plan_id, enterprise_id, tier)", &enterprises)?;
    let inspectors: Vec<String> = inputs.inspectors.iter().map(|i| format!("({id},{i})")).collect();
    insert_values(conn, "spot_check_pool_inspectors (plan_id, inspector_id)", &inspectors)?;
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
    insert_values(conn, "spot_check_task_inspectors (task_id, inspector_id)", &pairs)
}

/// Tells each inspector their tasks and the enterprises drawn, in the locking transaction.
fn tell(
    conn: &mut DbConn,
    now: NaiveDateTime,
    plan: &Plan,
    tasks: &[DrawnTask],
) -> Result<()> {
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
            .map(|t| format!("#{} {}", t.rank, names.get(&t.enterprise_id).map_or("", String::as_str)))
            .collect();
        let mut params = common.clone();
        params["tasks"] = json!(mine.len());
        params["enterprises"] = json!(lines.join("\n"));
        notices::enqueue(
            conn,
            now,
            &Notice {
                topic: ASSIGNED_TOPIC.into(),
                audience: vec![Audience::Users { ids: vec![inspector] }],
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
                audience: vec![Audience::Enterprises { ids: chunk.to_vec() }],
                params: common.clone(),
                source: format!("spot-check-plan:{}:enterprises:{i}", plan.id),
            },
            "",
        )?;
    }
    Ok(())
}

/// The published draw of a locked plan (404 for a draft: nothing is drawn).
pub fn draw_record(conn: &mut DbConn, id: i64) -> Result<DrawRecord> {
    let plan = find_plan(conn, id)?;
    let Some(seed) = plan.seed.clone().filter(|_| plan.status == PlanStatus::Locked) else {
        return Err(RegistryError::NotFound { entity: "spot-check draw" });
    };
    let enterprises: Vec<(i64, String)> = spot_check_pool::table
        .filter(spot_check_pool::plan_id.eq(id))
        .select((spot_check_pool::enterprise_id, spot_check_pool::tier))
        .order(spot_check_pool::enterprise_id)
        .load(conn)?;
    let inspectors: Vec<i64> = spot_check_pool_inspectors::table
        .filter(spot_check_pool_inspectors::plan_id.eq(id))
        .select(spot_check_pool_inspectors::inspector_id)
        .order(spot_check_pool_inspectors::inspector_id)
        .load(conn)?;
    let exclusions: BTreeSet<(i64, i64)> = spot_check_exclusions::table
        .filter(spot_check_exclusions::plan_id.eq(id))
        .select((spot_check_exclusions::enterprise_id, spot_check_exclusions::inspector_id))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let rows: Vec<(i64, i64, i32, String)> = spot_check_tasks::table
        .inner_join(spot_check_pool::table.on(
            spot_check_pool::plan_id
                .eq(spot_check_tasks::plan_id)
                .and(spot_check_pool::enterprise_id.eq(spot_check_tasks::enterprise_id)),
        ))
        .filter(spot_check_tasks::plan_id.eq(id))
        .select((
            spot_check_tasks::id,
            spot_check_tasks::enterprise_id,
            spot_check_tasks::draw_rank,
            spot_check_pool::tier,
        ))
        .order(spot_check_tasks::draw_rank)
        .load(conn)?;
    let mut staffing: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let pairs: Vec<(i64, i64)> = spot_check_task_inspectors::table
        .inner_join(spot_check_tasks::table)
        .filter(spot_check_tasks::plan_id.eq(id))
        .select((spot_check_task_inspectors::task_id, spot_check_task_inspectors::inspector_id))
        .order((spot_check_task_inspectors::task_id, spot_check_task_inspectors::inspector_id))
        .load(conn)?;
    for (task, inspector) in pairs {
        staffing.entry(task).or_default().push(inspector);
    }
    let enterprises = enterprises
        .iter()
        .map(|(e, t)| Ok((*e, CreditTier::from_stored(t)?)))
        .collect::<Result<Vec<_>>>()?;
    let tasks = rows
        .into_iter()
        .map(|(task, enterprise_id, rank, t)| {
            Ok(DrawnTask {
                rank: unsigned(rank),
                enterprise_id,
                tier: CreditTier::from_stored(&t)?,
                inspectors: staffing.remove(&task).unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(DrawRecord {
        plan_id: id,
        seed,
        pool_digest: plan.pool_digest.unwrap_or_default(),
        draw_digest: plan.draw_digest.unwrap_or_default(),
        inputs: DrawInputs {
            ratios: plan.ratios,
            inspectors_per_task: plan.inspectors_per_task,
            enterprises,
            inspectors,
            exclusions,
        },
        tasks,
    })
}

/// Computes a published draw again and compares it with what was published: the inputs with
/// their digest, the draw with its digest and with the tasks listed.
pub fn recompute(record: &DrawRecord) -> Recomputed {
    let inputs_match = inputs_digest(&record.inputs) == record.pool_digest;
    let again = super::parse_seed(&record.seed).and_then(|s| draw(&record.inputs, &s).ok());
    let draw_matches = again
        .as_ref()
        .is_some_and(|tasks| draw_digest(tasks) == record.draw_digest && *tasks == record.tasks);
    Recomputed {
        plan_id: record.plan_id,
        seed: record.seed.clone(),
        pool_digest: record.pool_digest.clone(),
        inputs_match,
        draw_digest: record.draw_digest.clone(),
        draw_matches,
        tasks: record.tasks.len(),
        verified: inputs_match && draw_matches,
    }
}

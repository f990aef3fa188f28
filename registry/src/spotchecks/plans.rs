//! Plans: drafted by an officer (scope, items, ratios, window, deadline), read by id or listed.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::draw::Ratios;
use super::pool::officer_department;
use super::{add_working_days, join, split};
use crate::db::DbConn;
use crate::departments::{Category, Department, find_department};
use crate::enterprises::text;
use crate::error::{Code, RegistryError, Result};
use crate::filings::Paging;
use crate::identity::Actor;
use crate::schema::{spot_check_items, spot_check_plans as plans};

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
    pub(super) fn as_str(self) -> &'static str {
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

pub(super) fn unsigned(v: i32) -> u32 {
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
        return Err(RegistryError::invalid(
            Code::Required,
            "categories",
            "name at least one category",
        ));
    }
    if new.regions.is_empty() || new.regions.len() > 50 {
        return Err(RegistryError::invalid(
            Code::InvalidRegion,
            "regions",
            "name 1 to 50 regions",
        ));
    }
    let mut regions = Vec::new();
    for (i, region) in new.regions.iter().enumerate() {
        let region = region.trim();
        if region.is_empty() || !crate::regions::covers(&department.region_code, region) {
            return Err(RegistryError::invalid(
                Code::InvalidRegion,
                format!("regions[{i}]"),
                format!(
                    "not a region under the department's ({})",
                    department.region_code
                ),
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
        return Err(RegistryError::invalid(
            Code::UnknownCheckItem,
            "items",
            "name 1 to 100 check items",
        ));
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
pub fn create_plan(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    new: &NewPlan,
) -> Result<Plan> {
    let department_id = officer_department(actor)?;
    let department = find_department(conn, department_id)?;
    let title = text("title", &new.title, 200)?;
    let (categories, regions) = check_scope(&department, new)?;
    let items = check_items(conn, department_id, &categories, &new.items)?;
    let ratios = new.ratios.unwrap_or_default();
    let ratio = |tier: &str, v: u32| number(&format!("ratios.{tier}"), v, 0, 10_000);
    let per_task = number(
        "inspectors_per_task",
        new.inspectors_per_task.unwrap_or(2),
        2,
        10,
    )?;
    let within = number(
        "publish_within_days",
        new.publish_within_days.unwrap_or(20),
        1,
        60,
    )?;
    if new.window_end < new.window_start {
        return Err(RegistryError::invalid(
            Code::InvalidRange,
            "window_end",
            "must not be before window_start",
        ));
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
        .ok_or(RegistryError::NotFound {
            entity: "spot-check plan",
        })
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

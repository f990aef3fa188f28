//! Opening a case (by an officer, or at an enterprise's request approved by its department),
//! freezing its scope, and computing it again as late captures arrive; the notices to every
//! party and to the departments of the regions reached go out in the same transaction.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::scope::freeze;
use super::{HazardClass, REQUESTED_TOPIC, RecallCase, find_case, status};
use crate::db::DbConn;
use crate::departments::{Category, find_department, list_departments};
use crate::enterprises::text;
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::events::trace::{ObjectKind, Start, authorize, object_kind, parse_start};
use crate::identity::{Actor, Role};
use crate::notices::{self, Audience, Notice};
use crate::schema::{enterprises, products, recall_case_lots, recall_cases};

/// A case as an officer opens it (or an enterprise asks for it).
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCase {
    /// The lots or items recalled: EPC URNs (`urn:epc:class:lgtin:...`, `urn:epc:id:sgtin:...`)
    /// or GS1 Digital Link URIs.
    #[schema(min_items = 1, max_items = 100)]
    pub lots: Vec<String>,
    pub hazard_class: HazardClass,
    /// Why, as the parties and the public read it.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
    /// What a consumer holding the product should do.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub consumer_tip: String,
    /// Where to return it.
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub return_to: String,
}

/// An enterprise's request for a case: the same fields.
pub type CaseRequest = NewCase;

/// What a scoping found that was not known before.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Rescoped {
    pub case_id: i64,
    /// The scoping (0: the opening).
    pub version: i32,
    pub new_lots: usize,
    pub new_places: usize,
    /// Registered enterprises newly told.
    pub new_parties: usize,
    /// Regions (GB/T 2260) whose departments were told.
    pub regions_told: Vec<String>,
    /// Notices enqueued.
    pub notices: usize,
    /// True when a trace was cut at its node limit.
    pub truncated: bool,
}

/// The objects of a case, canonical, each checked: a lot or an item the actor may trace.
fn objects(conn: &mut DbConn, actor: &Actor, lots: &[String]) -> Result<Vec<String>> {
    if lots.is_empty() || lots.len() > 100 {
        return Err(RegistryError::invalid(
            Code::InvalidLot,
            "lots",
            "name 1 to 100 lots or items",
        ));
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, value) in lots.iter().enumerate() {
        let field = format!("lots[{i}]");
        let id = parse_start(value, &field)?;
        if !matches!(object_kind(&id), ObjectKind::Lot | ObjectKind::Item) {
            return Err(RegistryError::invalid(
                Code::InvalidLot,
                field,
                "a recall case names lots (https://id.gs1.org/01/{gtin}/10/{lot}) or items",
            ));
        }
        authorize(conn, actor, &Start::Object(id.clone()))?;
        if seen.insert(id.clone()) {
            out.push(id);
        }
    }
    Ok(out)
}

/// The GTIN (14 digits) and lot of a canonical lot or item identifier (lot empty for items).
pub(super) fn gtin_and_lot(id: &str) -> (String, String) {
    let parts: Vec<&str> = id
        .strip_prefix("https://id.gs1.org/")
        .unwrap_or("")
        .split('/')
        .collect();
    let gtin = parts.get(1).copied().unwrap_or("").to_owned();
    let lot = match parts.get(2) {
        Some(&"10") => parts.get(3).copied().unwrap_or("").to_owned(),
        _ => String::new(),
    };
    (gtin, lot)
}

/// The registered product of a 14-digit GTIN: (name, category, enterprise).
pub(super) fn product_of(conn: &mut DbConn, gtin14: &str) -> Result<Option<(String, String, i64)>> {
    let short = gtin14.strip_prefix('0').unwrap_or(gtin14).to_owned();
    Ok(products::table
        .filter(products::gtin.eq(gtin14).or(products::gtin.eq(short)))
        .select((products::name, products::category, products::enterprise_id))
        .first(conn)
        .optional()?)
}

struct Texts<'a> {
    reason: &'a str,
    consumer_tip: &'a str,
    return_to: &'a str,
}

fn texts(new: &NewCase) -> Result<Texts<'_>> {
    Ok(Texts {
        reason: text("reason", &new.reason, 2000)?,
        consumer_tip: text("consumer_tip", &new.consumer_tip, 2000)?,
        return_to: text("return_to", &new.return_to, 500)?,
    })
}

/// A title from the objects: the first product's name and the lots.
fn title(conn: &mut DbConn, objects: &[String]) -> Result<(String, Option<String>)> {
    let (gtin, _) = gtin_and_lot(&objects[0]);
    let product = product_of(conn, &gtin)?;
    let lots: Vec<String> = objects
        .iter()
        .map(|o| {
            let (_, lot) = gtin_and_lot(o);
            if lot.is_empty() {
                o.rsplit('/').next().unwrap_or("").to_owned()
            } else {
                lot
            }
        })
        .collect();
    let name = product.as_ref().map_or(gtin.clone(), |p| p.0.clone());
    let mut title = format!("{name} ({})", lots.join(", "));
    if title.chars().count() > 300 {
        title = title.chars().take(299).collect::<String>() + "…";
    }
    Ok((title, product.map(|p| p.1)))
}

#[allow(clippy::too_many_arguments, reason = "one insert of one row")]
fn insert_case(
    conn: &mut DbConn,
    now: NaiveDateTime,
    department_id: i64,
    state: &str,
    class: HazardClass,
    category: &str,
    title: &str,
    t: &Texts<'_>,
    requested_by: Option<(&str, i64)>,
) -> Result<i64> {
    Ok(diesel::insert_into(recall_cases::table)
        .values((
            recall_cases::department_id.eq(department_id),
            recall_cases::status.eq(state),
            recall_cases::hazard_class.eq(class.as_str()),
            recall_cases::category.eq(category),
            recall_cases::title.eq(title),
            recall_cases::reason.eq(t.reason),
            recall_cases::consumer_tip.eq(t.consumer_tip),
            recall_cases::return_to.eq(t.return_to),
            recall_cases::requested_by.eq(requested_by.map(|r| r.0)),
            recall_cases::requesting_enterprise_id.eq(requested_by.map(|r| r.1)),
            recall_cases::scope_version.eq(0),
            recall_cases::scope_truncated.eq(false),
            recall_cases::created_at.eq(now),
        ))
        .returning(recall_cases::id)
        .get_result(conn)?)
}

fn insert_requested(conn: &mut DbConn, case_id: i64, objects: &[String]) -> Result<()> {
    for id in objects {
        let (gtin, lot) = gtin_and_lot(id);
        let product = product_of(conn, &gtin)?;
        diesel::insert_into(recall_case_lots::table)
            .values((
                recall_case_lots::case_id.eq(case_id),
                recall_case_lots::lot_id.eq(id),
                recall_case_lots::gtin.eq(&gtin),
                recall_case_lots::lot.eq(&lot),
                recall_case_lots::product.eq(product.as_ref().map_or("", |p| p.0.as_str())),
                recall_case_lots::producer_id.eq(product.as_ref().map(|p| p.2)),
                recall_case_lots::requested.eq(true),
                recall_case_lots::added_version.eq(0),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn officer_department(actor: &Actor) -> Result<i64> {
    actor
        .department_id
        .filter(|_| actor.role == Role::Officer)
        .ok_or_else(|| {
            RegistryError::denied(
                Code::OutsideJurisdiction,
                "only an officer of the competent department opens a recall case",
            )
        })
}

/// An officer of the case's department, or 403 `outside_jurisdiction`.
pub(super) fn require_case_officer(actor: &Actor, case: &RecallCase) -> Result<()> {
    if officer_department(actor)? != case.department_id {
        return Err(RegistryError::denied(
            Code::OutsideJurisdiction,
            "only an officer of the department in charge of the case may do this",
        ));
    }
    Ok(())
}

/// Opens a case as an officer (call inside a transaction, with the audit entry): the scope is
/// computed and frozen, and every party and department reached is told.
pub fn open_case(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    new: &NewCase,
) -> Result<(RecallCase, Rescoped)> {
    let department_id = officer_department(actor)?;
    let t = texts(new)?;
    let objects = objects(conn, actor, &new.lots)?;
    let (title, category) = title(conn, &objects)?;
    let department = find_department(conn, department_id)?;
    let category = category.unwrap_or_else(|| {
        department
            .categories
            .first()
            .map_or("food", |c| c.as_str())
            .to_owned()
    });
    let id = insert_case(
        conn,
        now,
        department_id,
        status::REQUESTED,
        new.hazard_class,
        &category,
        &title,
        &t,
        None,
    )?;
    insert_requested(conn, id, &objects)?;
    activate(conn, now, &actor.audit_name(), id)
}

/// An enterprise asks for a case over its own lots (call inside a transaction): the department
/// competent for it is told and decides ([`approve_case`]).
pub fn request_case(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    new: &CaseRequest,
) -> Result<RecallCase> {
    let enterprise_id = actor
        .enterprise_id
        .filter(|_| actor.role == Role::Enterprise)
        .ok_or_else(|| {
            RegistryError::denied(Code::Forbidden, "only an enterprise asks for a recall")
        })?;
    let t = texts(new)?;
    let objects = objects(conn, actor, &new.lots)?;
    let (title, category) = title(conn, &objects)?;
    let region: String = enterprises::table
        .find(enterprise_id)
        .select(enterprises::region_code)
        .first(conn)?;
    let wanted: Vec<Category> = category
        .as_deref()
        .and_then(|c| Category::parse(c, "category").ok())
        .map_or_else(|| Category::ALL.to_vec(), |c| vec![c]);
    let department = list_departments(conn)?
        .into_iter()
        .find(|d| d.covers(&region, &wanted))
        .ok_or_else(|| {
            RegistryError::invalid(
                Code::UnknownDepartment,
                "lots",
                "no department is competent for this enterprise and product",
            )
        })?;
    let category =
        category.unwrap_or_else(|| wanted.first().map_or("food", |c| c.as_str()).to_owned());
    let id = insert_case(
        conn,
        now,
        department.id,
        status::REQUESTED,
        new.hazard_class,
        &category,
        &title,
        &t,
        Some((&actor.audit_name(), enterprise_id)),
    )?;
    insert_requested(conn, id, &objects)?;
    notices::enqueue(
        conn,
        now,
        &Notice {
            topic: REQUESTED_TOPIC.into(),
            audience: vec![Audience::Department { id: department.id }],
            params: json!({ "case_id": id, "title": title, "hazard_class": new.hazard_class.as_str(), "reason": t.reason }),
            source: format!("recall_case:{id}"),
        },
        "",
    )?;
    find_case(conn, id)
}

/// Approves a requested case (an officer of its department): it opens as [`open_case`] does.
pub fn approve_case(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    id: i64,
) -> Result<(RecallCase, Rescoped)> {
    let case = find_case(conn, id)?;
    require_case_officer(actor, &case)?;
    if case.status != status::REQUESTED {
        return Err(RegistryError::conflict(
            Code::InvalidTransition,
            "the case is not awaiting approval",
        ));
    }
    activate(conn, now, &actor.audit_name(), id)
}

/// Opens case `id` (requested until now): dates, then the first scoping.
fn activate(
    conn: &mut DbConn,
    now: NaiveDateTime,
    by: &str,
    id: i64,
) -> Result<(RecallCase, Rescoped)> {
    let case = find_case(conn, id)?;
    diesel::update(recall_cases::table.find(id))
        .set((
            recall_cases::status.eq(status::OPEN),
            recall_cases::opened_by.eq(by),
            recall_cases::opened_at.eq(now),
            recall_cases::deadline_at.eq(now + case.class().deadline()),
        ))
        .execute(conn)?;
    let scoped = freeze(conn, now, id, 0)?;
    Ok((find_case(conn, id)?, scoped))
}

/// What the texts of a case's notices need.
pub(super) fn case_params(
    case: &RecallCase,
    department: &str,
    lots: &[String],
) -> serde_json::Value {
    let mut shown: Vec<&str> = lots.iter().map(String::as_str).take(20).collect();
    let more = lots.len().saturating_sub(shown.len());
    let extra = format!("… (+{more})");
    if more > 0 {
        shown.push(&extra);
    }
    json!({
        "case_id": case.id,
        "title": case.title,
        "hazard_class": case.hazard_class,
        "reason": case.reason,
        "consumer_tip": case.consumer_tip,
        "return_to": case.return_to,
        "department": department,
        "deadline": case.deadline_at.map(crate::time::rfc3339),
        "lots": shown.join("\n"),
        "link": format!("/portal/recalls/{}", case.id),
    })
}

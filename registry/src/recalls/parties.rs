//! The parties of a case: acknowledgement, reports of what each held and did with it, and the
//! schedule's reminders and escalations.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::open::case_params;
use super::{ESCALATED_TOPIC, REMINDER_TOPIC, RecallCase, find_case, status};
use crate::db::DbConn;
use crate::departments::{Category, find_department};
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::identity::{Actor, Role};
use crate::notices::{self, Audience, Notice};
use crate::schema::{documents, recall_case_lots, recall_cases, recall_disposals, recall_parties};

/// A registered enterprise holding affected goods.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = recall_parties)]
pub struct Party {
    pub id: i64,
    pub case_id: i64,
    pub enterprise_id: i64,
    /// GB/T 2260 region of the enterprise.
    pub region_code: String,
    pub country: String,
    /// Affected items seen at its places.
    pub items: i64,
    /// Affected quantity seen at its places (in `uom`).
    pub quantity: f64,
    pub uom: String,
    /// The scoping that found it (0: the opening).
    pub added_version: i32,
    #[serde(with = "crate::time::as_rfc3339")]
    pub notified_at: NaiveDateTime,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub acknowledged_at: Option<NaiveDateTime>,
    pub acknowledged_by: Option<String>,
    pub reminders: i32,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub last_reminded_at: Option<NaiveDateTime>,
    /// When it was escalated to its department for not acknowledging in time.
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub escalated_at: Option<NaiveDateTime>,
}

/// The parties of a case, by id.
pub fn list_parties(conn: &mut DbConn, case_id: i64) -> Result<Vec<Party>> {
    Ok(recall_parties::table
        .filter(recall_parties::case_id.eq(case_id))
        .order(recall_parties::id)
        .select(Party::as_select())
        .load(conn)?)
}

/// The party of `enterprise_id` in a case; 403 `not_own_object` when it is not one.
pub fn find_party(conn: &mut DbConn, case_id: i64, enterprise_id: i64) -> Result<Party> {
    recall_parties::table
        .filter(recall_parties::case_id.eq(case_id))
        .filter(recall_parties::enterprise_id.eq(enterprise_id))
        .select(Party::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            RegistryError::denied(
                Code::NotOwnObject,
                "the enterprise is not a party to this case",
            )
        })
}

/// The actor's party in an open case.
fn own_party(conn: &mut DbConn, actor: &Actor, case_id: i64) -> Result<(RecallCase, Party)> {
    let case = find_case(conn, case_id)?;
    let enterprise = actor
        .enterprise_id
        .filter(|_| actor.role == Role::Enterprise)
        .ok_or_else(|| {
            RegistryError::denied(Code::Forbidden, "only a party's own users may do this")
        })?;
    let party = find_party(conn, case_id, enterprise)?;
    if !case.is_open() {
        return Err(RegistryError::conflict(
            Code::RecallNotOpen,
            "the case is not open",
        ));
    }
    Ok((case, party))
}

/// Acknowledges the notice of a case for the actor's enterprise (once: a repeat keeps the first).
pub fn acknowledge(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    case_id: i64,
) -> Result<Party> {
    let (_, party) = own_party(conn, actor, case_id)?;
    diesel::update(
        recall_parties::table
            .find(party.id)
            .filter(recall_parties::acknowledged_at.is_null()),
    )
    .set((
        recall_parties::acknowledged_at.eq(now),
        recall_parties::acknowledged_by.eq(actor.audit_name()),
    ))
    .execute(conn)?;
    find_party(conn, case_id, party.enterprise_id)
}

/// What a party held of one lot and what became of it.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisposalLine {
    /// One of the case's lots (as the case lists it, or as an EPC URN).
    pub lot: String,
    /// What it held when told (or received since).
    #[schema(minimum = 0)]
    pub held: f64,
    /// Returned up the chain.
    #[schema(minimum = 0)]
    #[serde(default)]
    pub returned: f64,
    /// Destroyed under supervision.
    #[schema(minimum = 0)]
    #[serde(default)]
    pub destroyed: f64,
    /// Already sold before the notice.
    #[schema(minimum = 0)]
    #[serde(default)]
    pub sold: f64,
    /// Unit (UN/CEFACT Rec. 20, e.g. `KGM`; `EA` for pieces).
    #[schema(min_length = 1, max_length = 10)]
    pub uom: String,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub note: String,
}

/// A party's report: a line per lot, and its documents (ids of the enterprise's documents:
/// destruction records, return receipts).
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisposalReport {
    #[schema(min_items = 1, max_items = 1000)]
    pub lines: Vec<DisposalLine>,
    #[serde(default)]
    #[schema(max_items = 50)]
    pub documents: Vec<i64>,
}

fn quantity(field: String, value: f64) -> Result<f64> {
    if value.is_finite() && (0.0..1e15).contains(&value) {
        Ok(value)
    } else {
        Err(RegistryError::invalid(
            Code::InvalidQuantity,
            field,
            "a quantity of at least 0",
        ))
    }
}

/// Records a party's report (after its acknowledgement; 409 `recall_not_acknowledged` before).
/// A lot reported again replaces its earlier line. Returns the lines now on record.
pub fn report_disposal(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    case_id: i64,
    report: &DisposalReport,
) -> Result<usize> {
    let (_, party) = own_party(conn, actor, case_id)?;
    if party.acknowledged_at.is_none() {
        return Err(RegistryError::Conflict {
            code: Code::RecallNotAcknowledged,
            field: None,
            message: "acknowledge the recall notice first".into(),
        });
    }
    if report.lines.is_empty() || report.lines.len() > 1000 {
        return Err(RegistryError::invalid(
            Code::InvalidLines,
            "lines",
            "1 to 1000 lines",
        ));
    }
    if report.documents.len() > 50 {
        return Err(RegistryError::invalid(
            Code::UnknownDocument,
            "documents",
            "at most 50 documents",
        ));
    }
    for (i, id) in report.documents.iter().enumerate() {
        let own: i64 = documents::table
            .filter(documents::id.eq(id))
            .filter(documents::enterprise_id.eq(party.enterprise_id))
            .count()
            .get_result(conn)?;
        if own == 0 {
            return Err(RegistryError::invalid(
                Code::UnknownDocument,
                format!("documents[{i}]"),
                format!("no document {id} of this enterprise"),
            ));
        }
    }
    let lots: Vec<(String, String)> = recall_case_lots::table
        .filter(recall_case_lots::case_id.eq(case_id))
        .select((recall_case_lots::lot_id, recall_case_lots::lot))
        .load(conn)?;
    let mut rows = BTreeMap::new();
    for (i, line) in report.lines.iter().enumerate() {
        let field = |name: &str| format!("lines[{i}].{name}");
        let given = crate::events::trace::parse_start(&line.lot, &field("lot"))
            .unwrap_or_else(|_| line.lot.trim().to_owned());
        let Some((lot_id, _)) = lots
            .iter()
            .find(|(id, code)| *id == given || (!code.is_empty() && *code == given))
        else {
            return Err(RegistryError::invalid(
                Code::InvalidLot,
                field("lot"),
                "not a lot of this case",
            ));
        };
        let held = quantity(field("held"), line.held)?;
        let returned = quantity(field("returned"), line.returned)?;
        let destroyed = quantity(field("destroyed"), line.destroyed)?;
        let sold = quantity(field("sold"), line.sold)?;
        if returned + destroyed + sold > held * (1.0 + 1e-9) {
            return Err(RegistryError::invalid(
                Code::InvalidQuantity,
                field("held"),
                "returned, destroyed and sold together exceed what was held",
            ));
        }
        let uom = line.uom.trim();
        if uom.is_empty() || uom.len() > 10 {
            return Err(RegistryError::invalid(
                Code::InvalidQuantity,
                field("uom"),
                "a unit code such as KGM or EA",
            ));
        }
        if line.note.chars().count() > 2000 {
            return Err(RegistryError::invalid(
                Code::TooLong,
                field("note"),
                "at most 2000 characters",
            ));
        }
        if rows.contains_key(lot_id) {
            return Err(RegistryError::invalid(
                Code::InvalidLines,
                field("lot"),
                "each lot once",
            ));
        }
        rows.insert(
            lot_id.clone(),
            (
                held,
                returned,
                destroyed,
                sold,
                uom.to_owned(),
                line.note.trim().to_owned(),
            ),
        );
    }
    let docs = serde_json::to_string(&report.documents).unwrap_or_else(|_| "[]".into());
    for (lot_id, (held, returned, destroyed, sold, uom, note)) in &rows {
        diesel::delete(
            recall_disposals::table
                .filter(recall_disposals::party_id.eq(party.id))
                .filter(recall_disposals::lot_id.eq(lot_id)),
        )
        .execute(conn)?;
        diesel::insert_into(recall_disposals::table)
            .values((
                recall_disposals::case_id.eq(case_id),
                recall_disposals::party_id.eq(party.id),
                recall_disposals::lot_id.eq(lot_id),
                recall_disposals::held.eq(held),
                recall_disposals::returned.eq(returned),
                recall_disposals::destroyed.eq(destroyed),
                recall_disposals::sold.eq(sold),
                recall_disposals::uom.eq(uom),
                recall_disposals::note.eq(note),
                recall_disposals::documents.eq(&docs),
                recall_disposals::reported_by.eq(actor.audit_name()),
                recall_disposals::reported_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(recall_disposals::table
        .filter(recall_disposals::party_id.eq(party.id))
        .count()
        .get_result::<i64>(conn)? as usize)
}

/// What one run of the schedule did.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Reminded {
    /// Cases looked at.
    pub cases: usize,
    /// Parties reminded.
    pub reminded: usize,
    /// Parties escalated to their department.
    pub escalated: usize,
    /// Parties the rescoping added.
    pub new_parties: usize,
}

/// The schedule's run (call inside a transaction): every open case is scoped again; its
/// unacknowledged parties are reminded once per [`super::HazardClass::reminder_interval`] and,
/// past the deadline, escalated once to the departments competent for their region.
pub fn remind_due(conn: &mut DbConn, now: NaiveDateTime) -> Result<Reminded> {
    let open: Vec<i64> = recall_cases::table
        .filter(recall_cases::status.eq(status::OPEN))
        .order(recall_cases::id)
        .select(recall_cases::id)
        .load(conn)?;
    let mut done = Reminded::default();
    for id in open {
        done.cases += 1;
        done.new_parties += super::rescope(conn, now, None, id)?.new_parties;
        let case = find_case(conn, id)?;
        let department = find_department(conn, case.department_id)?;
        let params = case_params(&case, &department.name, &[]);
        let waiting: Vec<Party> = recall_parties::table
            .filter(recall_parties::case_id.eq(id))
            .filter(recall_parties::acknowledged_at.is_null())
            .select(Party::as_select())
            .load(conn)?;
        let past_deadline = case.deadline_at.is_some_and(|d| now >= d);
        let interval = case.class().reminder_interval();
        let category = Category::parse(&case.category, "category").ok();
        let mut remind = Vec::new();
        for party in &waiting {
            if past_deadline && party.escalated_at.is_none() {
                let mut params = params.clone();
                params["enterprise_id"] = json!(party.enterprise_id);
                params["region_code"] = json!(party.region_code);
                notices::enqueue(
                    conn,
                    now,
                    &Notice {
                        topic: ESCALATED_TOPIC.into(),
                        audience: vec![Audience::Competent {
                            region_code: party.region_code.clone(),
                            category,
                        }],
                        params,
                        source: format!("recall_case:{id}:escalation:{}", party.enterprise_id),
                    },
                    "",
                )?;
                diesel::update(recall_parties::table.find(party.id))
                    .set(recall_parties::escalated_at.eq(now))
                    .execute(conn)?;
                done.escalated += 1;
            }
            let last = party.last_reminded_at.unwrap_or(party.notified_at);
            if now - last >= interval {
                remind.push(party.clone());
            }
        }
        for chunk in remind.chunks(super::PARTIES_PER_NOTICE) {
            let ids: Vec<i64> = chunk.iter().map(|p| p.enterprise_id).collect();
            let first = chunk[0].id;
            notices::enqueue(
                conn,
                now,
                &Notice {
                    topic: REMINDER_TOPIC.into(),
                    audience: vec![Audience::Enterprises { ids }],
                    params: params.clone(),
                    source: format!(
                        "recall_case:{id}:reminder:{}:{first}",
                        crate::time::rfc3339(now)
                    ),
                },
                "",
            )?;
            let party_ids: Vec<i64> = chunk.iter().map(|p| p.id).collect();
            diesel::update(recall_parties::table.filter(recall_parties::id.eq_any(party_ids)))
                .set((
                    recall_parties::last_reminded_at.eq(now),
                    recall_parties::reminders.eq(recall_parties::reminders + 1),
                ))
                .execute(conn)?;
            done.reminded += chunk.len();
        }
    }
    Ok(done)
}

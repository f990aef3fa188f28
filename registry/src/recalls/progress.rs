//! A case's progress (affected, returned, destroyed, sold and unaccounted per party, region and
//! country; scans of its recalled stamps), its closure, and the public list of open recalls.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::open::require_case_officer;
use super::parties::{Party, list_parties};
use super::{CLOSED_TOPIC, RecallCase, find_case, status};
use crate::db::DbConn;
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::filings::Paging;
use crate::identity::Actor;
use crate::notices::{self, Audience, Notice};
use crate::schema::{
    batches, enterprises, products, recall_case_lots, recall_cases, recall_disposals,
    recall_places, stamp_scans, stamps,
};

/// A lot of a case.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = recall_case_lots)]
pub struct CaseLot {
    #[serde(skip)]
    pub case_id: i64,
    /// `https://id.gs1.org/01/{gtin}/10/{lot}` (or an item, when the case names one).
    pub lot_id: String,
    pub gtin: String,
    pub lot: String,
    pub product: String,
    pub producer_id: Option<i64>,
    /// Named when the case was opened (else found by the trace).
    pub requested: bool,
    /// The scoping that found it (0: the opening).
    pub added_version: i32,
}

/// The lots of a case.
pub fn case_lots(conn: &mut DbConn, case_id: i64) -> Result<Vec<CaseLot>> {
    Ok(recall_case_lots::table
        .filter(recall_case_lots::case_id.eq(case_id))
        .order((recall_case_lots::added_version, recall_case_lots::lot_id))
        .select(CaseLot::as_select())
        .load(conn)?)
}

/// Quantities summed over a group.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Tally {
    /// The party's name, the region (`CN/410102`, `VN/unregistered`) or the country.
    pub key: String,
    pub parties: usize,
    pub affected: f64,
    pub held: f64,
    pub returned: f64,
    pub destroyed: f64,
    pub sold: f64,
    /// Held (or, unreported, affected) less returned, destroyed and sold.
    pub unaccounted: f64,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.parties += other.parties;
        self.affected += other.affected;
        self.held += other.held;
        self.returned += other.returned;
        self.destroyed += other.destroyed;
        self.sold += other.sold;
        self.unaccounted += other.unaccounted;
    }
}

/// A party's progress.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartyProgress {
    pub party: Party,
    pub enterprise_name: String,
    /// Lots it reported.
    pub reported_lots: usize,
    pub tally: Tally,
}

/// Scans of the case's recalled stamps in one country (the scan log keeps only coarse places).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScanCount {
    /// ISO 3166 alpha-2, or `unknown`.
    pub country: String,
    pub scans: i64,
}

/// Where a case stands.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub case: RecallCase,
    pub lots: Vec<CaseLot>,
    pub parties: Vec<PartyProgress>,
    /// By `country/region`, unregistered places included (all unaccounted).
    pub regions: Vec<Tally>,
    pub countries: Vec<Tally>,
    pub total: Tally,
    /// Parties that acknowledged.
    pub acknowledged: usize,
    /// Parties that reported every lot they were asked about (at least one line).
    pub reported: usize,
    /// Places reached that no registered enterprise answers for (abroad, unregistered).
    pub unregistered_places: usize,
    /// Scans that resolved `recalled`, per country.
    pub recalled_scans: Vec<ScanCount>,
}

type DisposalRow = (i64, f64, f64, f64, f64);

/// The progress of a case.
pub fn progress(conn: &mut DbConn, case_id: i64) -> Result<Progress> {
    let case = find_case(conn, case_id)?;
    let lots = case_lots(conn, case_id)?;
    let parties = list_parties(conn, case_id)?;
    let names: HashMap<i64, String> = {
        let ids: Vec<i64> = parties.iter().map(|p| p.enterprise_id).collect();
        let mut names = HashMap::new();
        for chunk in ids.chunks(5_000) {
            names.extend(
                enterprises::table
                    .filter(enterprises::id.eq_any(chunk))
                    .select((enterprises::id, enterprises::name))
                    .load::<(i64, String)>(conn)?,
            );
        }
        names
    };
    let disposals: Vec<DisposalRow> = recall_disposals::table
        .filter(recall_disposals::case_id.eq(case_id))
        .select((
            recall_disposals::party_id,
            recall_disposals::held,
            recall_disposals::returned,
            recall_disposals::destroyed,
            recall_disposals::sold,
        ))
        .load(conn)?;
    let mut reported: HashMap<i64, (usize, Tally)> = HashMap::new();
    for (party, held, returned, destroyed, sold) in disposals {
        let entry = reported.entry(party).or_default();
        entry.0 += 1;
        entry.1.held += held;
        entry.1.returned += returned;
        entry.1.destroyed += destroyed;
        entry.1.sold += sold;
    }
    let mut regions: BTreeMap<String, Tally> = BTreeMap::new();
    let mut countries: BTreeMap<String, Tally> = BTreeMap::new();
    let mut total = Tally {
        key: "total".into(),
        ..Tally::default()
    };
    let mut out = Vec::with_capacity(parties.len());
    for party in parties {
        let name = names.get(&party.enterprise_id).cloned().unwrap_or_default();
        let (lines, mut tally) = reported.remove(&party.id).unwrap_or_default();
        tally.key = name.clone();
        tally.parties = 1;
        tally.affected = party.quantity;
        let basis = if lines > 0 {
            tally.held
        } else {
            party.quantity
        };
        tally.unaccounted = (basis - tally.returned - tally.destroyed - tally.sold).max(0.0);
        let region = format!("{}/{}", party.country, party.region_code);
        regions.entry(region.clone()).or_default().add(&tally);
        countries
            .entry(party.country.clone())
            .or_default()
            .add(&tally);
        total.add(&tally);
        out.push(PartyProgress {
            party,
            enterprise_name: name,
            reported_lots: lines,
            tally,
        });
    }
    let unregistered: Vec<(String, String, f64)> = recall_places::table
        .filter(recall_places::case_id.eq(case_id))
        .filter(recall_places::enterprise_id.is_null())
        .select((
            recall_places::country,
            recall_places::region,
            recall_places::quantity,
        ))
        .load(conn)?;
    for (country, region, quantity) in &unregistered {
        let tally = Tally {
            affected: *quantity,
            unaccounted: *quantity,
            ..Tally::default()
        };
        regions
            .entry(format!("{country}/{region}"))
            .or_default()
            .add(&tally);
        countries.entry(country.clone()).or_default().add(&tally);
        total.add(&tally);
    }
    let keyed = |map: BTreeMap<String, Tally>| -> Vec<Tally> {
        map.into_iter().map(|(key, t)| Tally { key, ..t }).collect()
    };
    Ok(Progress {
        acknowledged: out
            .iter()
            .filter(|p| p.party.acknowledged_at.is_some())
            .count(),
        reported: out.iter().filter(|p| p.reported_lots > 0).count(),
        unregistered_places: unregistered.len(),
        recalled_scans: recalled_scans(conn, &lots)?,
        regions: keyed(regions),
        countries: keyed(countries),
        total,
        parties: out,
        lots,
        case,
    })
}

/// Scans that resolved `recalled` of stamps activated on the case's lots, per country.
fn recalled_scans(conn: &mut DbConn, lots: &[CaseLot]) -> Result<Vec<ScanCount>> {
    let codes: Vec<&str> = lots
        .iter()
        .map(|l| l.lot.as_str())
        .filter(|l| !l.is_empty())
        .collect();
    let candidates: Vec<(i64, String, String)> = batches::table
        .inner_join(products::table.on(products::id.eq(batches::product_id)))
        .filter(batches::lot.eq_any(&codes))
        .select((batches::id, products::gtin, batches::lot))
        .load(conn)?;
    let batch_ids: Vec<i64> = candidates
        .into_iter()
        .filter(|(_, gtin, lot)| {
            let gtin14 = format!("{gtin:0>14}");
            lots.iter().any(|l| l.gtin == gtin14 && l.lot == *lot)
        })
        .map(|(id, _, _)| id)
        .collect();
    if batch_ids.is_empty() {
        return Ok(Vec::new());
    }
    let serials = stamps::table
        .filter(stamps::batch_id.eq_any(batch_ids))
        .select(stamps::serial);
    let rows: Vec<(Option<String>, i64)> = stamp_scans::table
        .filter(stamp_scans::verdict.eq("recalled"))
        .filter(stamp_scans::serial.eq_any(serials))
        .group_by(stamp_scans::country)
        .select((stamp_scans::country, diesel::dsl::count_star()))
        .load(conn)?;
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    for (country, n) in rows {
        *counts
            .entry(country.unwrap_or_else(|| "unknown".into()))
            .or_default() += n;
    }
    Ok(counts
        .into_iter()
        .map(|(country, scans)| ScanCount { country, scans })
        .collect())
}

/// The department's closure of a case.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Closure {
    /// The department accepts the effectiveness check (must be true).
    pub effectiveness_accepted: bool,
    /// The effectiveness check: what was verified and how.
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub effectiveness: String,
}

/// Closes an open case (an officer of its department): only with the effectiveness check
/// accepted (422 `confirmation_required`) and every party acknowledged and reported (409
/// `recall_unaccounted`, naming how many are not). The parties are told.
pub fn close_case(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    case_id: i64,
    closure: &Closure,
) -> Result<RecallCase> {
    let case = find_case(conn, case_id)?;
    require_case_officer(actor, &case)?;
    if !case.is_open() {
        return Err(RegistryError::conflict(
            Code::RecallNotOpen,
            "the case is not open",
        ));
    }
    if !closure.effectiveness_accepted {
        return Err(RegistryError::invalid(
            Code::ConfirmationRequired,
            "effectiveness_accepted",
            "the department must accept the effectiveness check",
        ));
    }
    let effectiveness = crate::enterprises::text("effectiveness", &closure.effectiveness, 4000)?;
    let state = progress(conn, case_id)?;
    let open = state
        .parties
        .iter()
        .filter(|p| p.party.acknowledged_at.is_none() || p.reported_lots == 0)
        .count();
    if open > 0 {
        return Err(RegistryError::Conflict {
            code: Code::RecallUnaccounted,
            field: Some("parties".into()),
            message: format!("{open} parties have not acknowledged and reported yet"),
        });
    }
    diesel::update(recall_cases::table.find(case_id))
        .set((
            recall_cases::status.eq(status::CLOSED),
            recall_cases::closed_by.eq(actor.audit_name()),
            recall_cases::closed_at.eq(now),
            recall_cases::effectiveness.eq(effectiveness),
        ))
        .execute(conn)?;
    let ids: Vec<i64> = state
        .parties
        .iter()
        .map(|p| p.party.enterprise_id)
        .collect();
    for (k, chunk) in ids.chunks(super::PARTIES_PER_NOTICE).enumerate() {
        notices::enqueue(
            conn,
            now,
            &Notice {
                topic: CLOSED_TOPIC.into(),
                audience: vec![Audience::Enterprises {
                    ids: chunk.to_vec(),
                }],
                params: json!({ "case_id": case_id, "title": case.title, "effectiveness": effectiveness }),
                source: format!("recall_case:{case_id}:closed:{k}"),
            },
            "",
        )?;
    }
    find_case(conn, case_id)
}

/// An open recall as the public sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicRecall {
    pub id: i64,
    pub title: String,
    #[schema(value_type = super::HazardClass)]
    pub hazard_class: String,
    pub category: String,
    pub reason: String,
    /// What to do.
    pub consumer_tip: String,
    /// Where to return it.
    pub return_to: String,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub opened_at: Option<NaiveDateTime>,
    /// The affected products and lots.
    pub lots: Vec<PublicLot>,
}

/// A lot of a public recall.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicLot {
    pub gtin: String,
    pub lot: String,
    pub product: String,
}

/// Open recalls, newest first, with their lots.
pub fn public_recalls(conn: &mut DbConn, paging: Paging) -> Result<Vec<PublicRecall>> {
    let (limit, offset) = paging.limits()?;
    let cases: Vec<RecallCase> = recall_cases::table
        .filter(recall_cases::status.eq(status::OPEN))
        .order(recall_cases::id.desc())
        .limit(limit)
        .offset(offset)
        .select(RecallCase::as_select())
        .load(conn)?;
    let mut out = Vec::with_capacity(cases.len());
    for case in cases {
        let lots = case_lots(conn, case.id)?
            .into_iter()
            .filter(|l| !l.lot.is_empty())
            .map(|l| PublicLot {
                gtin: l.gtin,
                lot: l.lot,
                product: l.product,
            })
            .collect();
        out.push(PublicRecall {
            id: case.id,
            title: case.title,
            hazard_class: case.hazard_class,
            category: case.category,
            reason: case.reason,
            consumer_tip: case.consumer_tip,
            return_to: case.return_to,
            opened_at: case.opened_at,
            lots,
        });
    }
    Ok(out)
}

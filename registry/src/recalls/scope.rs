//! A case's scope: frozen from the recall report when the case opens, and computed again as
//! late captures arrive (what is new is stored under the next version, and told; nothing known
//! is dropped).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{DEPARTMENT_TOPIC, OPENED_TOPIC, PARTIES_PER_NOTICE, find_case};
use crate::db::DbConn;
use crate::departments::{Category, find_department};
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::events::recall::{self, Reach};
use crate::identity::Actor;
use crate::notices::{self, Audience, Notice};
use crate::schema::{enterprises, recall_case_lots, recall_cases, recall_parties, recall_places};

use super::Rescoped;
use super::open::{case_params, gtin_and_lot, require_case_officer};

/// Computes an open case's scope again (call inside a transaction): what late captures added is
/// stored under the next version and told; nothing known is dropped. `actor`: an officer of the
/// case's department, or `None` for the schedule.
pub fn rescope(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: Option<&Actor>,
    id: i64,
) -> Result<Rescoped> {
    let case = find_case(conn, id)?;
    if let Some(actor) = actor {
        require_case_officer(actor, &case)?;
    }
    if !case.is_open() {
        return Err(RegistryError::conflict(
            Code::RecallNotOpen,
            "the case is not open",
        ));
    }
    let version = case.scope_version + 1;
    let found = freeze(conn, now, id, version)?;
    if found.new_lots + found.new_places + found.new_parties == 0 {
        // Nothing new: the version stays, only the time of the check moves.
        diesel::update(recall_cases::table.find(id))
            .set((
                recall_cases::scope_version.eq(case.scope_version),
                recall_cases::scoped_at.eq(now),
            ))
            .execute(conn)?;
        return Ok(Rescoped {
            version: case.scope_version,
            ..found
        });
    }
    Ok(found)
}

/// A party as the scope found it.
#[derive(Default)]
struct Holding {
    items: i64,
    quantity: f64,
    uom: String,
}

fn amount(reach: &Reach) -> (f64, String) {
    let Some(first) = reach.quantities.first() else {
        return (reach.items as f64, "EA".into());
    };
    let total = reach
        .quantities
        .iter()
        .filter(|a| a.uom == first.uom)
        .map(|a| a.quantity)
        .sum();
    (total, first.uom.clone())
}

/// The scoping itself: the recall of every requested object, what is new stored as `version`,
/// and the new parties and regions told.
pub(super) fn freeze(
    conn: &mut DbConn,
    now: NaiveDateTime,
    id: i64,
    version: i32,
) -> Result<Rescoped> {
    let case = find_case(conn, id)?;
    let requested: Vec<String> = recall_case_lots::table
        .filter(recall_case_lots::case_id.eq(id))
        .filter(recall_case_lots::requested.eq(true))
        .select(recall_case_lots::lot_id)
        .load(conn)?;
    let known_lots: BTreeSet<String> = recall_case_lots::table
        .filter(recall_case_lots::case_id.eq(id))
        .select(recall_case_lots::lot_id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let known_places: BTreeSet<String> = recall_places::table
        .filter(recall_places::case_id.eq(id))
        .select(recall_places::identifier)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let known_parties: BTreeSet<i64> = recall_parties::table
        .filter(recall_parties::case_id.eq(id))
        .select(recall_parties::enterprise_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    let mut out = Rescoped {
        case_id: id,
        version,
        ..Rescoped::default()
    };
    let mut lots = BTreeMap::new();
    let mut places: BTreeMap<String, Reach> = BTreeMap::new();
    let mut producers = BTreeSet::new();
    for object in &requested {
        let report = recall::scope(conn, now, object)?;
        out.truncated |= report.truncated;
        for lot in report.lots {
            producers.extend(lot.producer_id);
            lots.entry(lot.id.clone()).or_insert(lot);
        }
        for reach in report.sites.into_iter().chain(report.parties) {
            places
                .entry(reach.place.identifier.clone())
                .or_insert(reach);
        }
    }
    for (lot_id, lot) in &lots {
        if known_lots.contains(lot_id) {
            continue;
        }
        let (gtin, code) = gtin_and_lot(lot_id);
        diesel::insert_into(recall_case_lots::table)
            .values((
                recall_case_lots::case_id.eq(id),
                recall_case_lots::lot_id.eq(lot_id),
                recall_case_lots::gtin.eq(if lot.gtin.is_empty() {
                    &gtin
                } else {
                    &lot.gtin
                }),
                recall_case_lots::lot.eq(if lot.lot.is_empty() { &code } else { &lot.lot }),
                recall_case_lots::product.eq(lot.product.as_deref().unwrap_or("")),
                recall_case_lots::producer_id.eq(lot.producer_id),
                recall_case_lots::requested.eq(false),
                recall_case_lots::added_version.eq(version),
            ))
            .execute(conn)?;
        out.new_lots += 1;
    }
    // Parties: registered enterprises at the places, summed over their sites (their party GLN
    // when no site says it), and the producers of affected lots.
    let mut by_site: HashMap<i64, Holding> = HashMap::new();
    let mut by_party: HashMap<i64, Holding> = HashMap::new();
    for (identifier, reach) in &places {
        let p = &reach.place;
        let (quantity, uom) = amount(reach);
        if let Some(enterprise) = p.enterprise_id.filter(|_| p.registered) {
            let map = if p.kind == "party" {
                &mut by_party
            } else {
                &mut by_site
            };
            let h = map.entry(enterprise).or_default();
            h.items += reach.items as i64;
            h.quantity += quantity;
            if h.uom.is_empty() {
                h.uom = uom.clone();
            }
        }
        if known_places.contains(identifier) {
            continue;
        }
        let region = if p.region.is_empty() {
            "unregistered"
        } else {
            p.region.as_str()
        };
        diesel::insert_into(recall_places::table)
            .values((
                recall_places::case_id.eq(id),
                recall_places::identifier.eq(identifier),
                recall_places::name.eq(p
                    .site_name
                    .as_deref()
                    .or(p.enterprise_name.as_deref())
                    .unwrap_or("")),
                recall_places::enterprise_id.eq(p.enterprise_id.filter(|_| p.registered)),
                recall_places::region.eq(region),
                recall_places::country.eq(if p.country.is_empty() {
                    "unknown"
                } else {
                    p.country.as_str()
                }),
                recall_places::items.eq(reach.items as i64),
                recall_places::quantity.eq(quantity),
                recall_places::uom.eq(&uom),
                recall_places::retail.eq(reach.retail),
                recall_places::added_version.eq(version),
            ))
            .execute(conn)?;
        out.new_places += 1;
    }
    for (enterprise, h) in by_party {
        by_site.entry(enterprise).or_insert(h);
    }
    for producer in producers {
        by_site.entry(producer).or_default();
    }
    let new_ids: Vec<i64> = by_site
        .keys()
        .copied()
        .filter(|e| !known_parties.contains(e))
        .collect();
    let mut regions_of: HashMap<i64, String> = HashMap::new();
    for chunk in new_ids.chunks(5_000) {
        regions_of.extend(
            enterprises::table
                .filter(enterprises::id.eq_any(chunk))
                .select((enterprises::id, enterprises::region_code))
                .load::<(i64, String)>(conn)?,
        );
    }
    let mut told = Vec::new();
    for enterprise in &new_ids {
        let Some(region) = regions_of.get(enterprise) else {
            continue;
        };
        let h = &by_site[enterprise];
        diesel::insert_into(recall_parties::table)
            .values((
                recall_parties::case_id.eq(id),
                recall_parties::enterprise_id.eq(enterprise),
                recall_parties::region_code.eq(region),
                recall_parties::country.eq("CN"),
                recall_parties::items.eq(h.items),
                recall_parties::quantity.eq(h.quantity),
                recall_parties::uom.eq(if h.uom.is_empty() { "EA" } else { &h.uom }),
                recall_parties::added_version.eq(version),
                recall_parties::notified_at.eq(now),
                recall_parties::reminders.eq(0),
            ))
            .execute(conn)?;
        told.push(*enterprise);
    }
    out.new_parties = told.len();
    let department = find_department(conn, case.department_id)?;
    let params = case_params(
        &case,
        &department.name,
        &lots.keys().cloned().collect::<Vec<_>>(),
    );
    for (k, chunk) in told.chunks(PARTIES_PER_NOTICE).enumerate() {
        let queued = notices::enqueue(
            conn,
            now,
            &Notice {
                topic: OPENED_TOPIC.into(),
                audience: vec![Audience::Enterprises {
                    ids: chunk.to_vec(),
                }],
                params: params.clone(),
                source: format!("recall_case:{id}:scope:{version}:{k}"),
            },
            "",
        )?;
        out.notices += usize::from(queued.is_some());
    }
    // The departments of the regions reached that the case's department does not cover.
    let category = Category::parse(&case.category, "category").ok();
    let cats: Vec<Category> = category.map_or_else(|| Category::ALL.to_vec(), |c| vec![c]);
    let regions: BTreeSet<String> = told
        .iter()
        .filter_map(|e| regions_of.get(e).cloned())
        .filter(|r| !department.covers(r, &cats))
        .collect();
    if !regions.is_empty() {
        let queued = notices::enqueue(
            conn,
            now,
            &Notice {
                topic: DEPARTMENT_TOPIC.into(),
                audience: regions
                    .iter()
                    .map(|r| Audience::Competent {
                        region_code: r.clone(),
                        category,
                    })
                    .collect(),
                params,
                source: format!("recall_case:{id}:departments:{version}"),
            },
            "",
        )?;
        out.notices += usize::from(queued.is_some());
    }
    out.regions_told = regions.into_iter().collect();
    diesel::update(recall_cases::table.find(id))
        .set((
            recall_cases::scope_version.eq(version),
            recall_cases::scoped_at.eq(now),
            recall_cases::scope_truncated.eq(case.scope_truncated || out.truncated),
        ))
        .execute(conn)?;
    Ok(out)
}

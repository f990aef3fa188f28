//! Who may trace what, and where an enterprise trace starts.
//!
//! - Administrators, inspectors and ministries trace anything (reading only).
//! - An officer traces an object whose producer (the enterprise that filed the lot, else that
//!   owns the GTIN or the GS1 company prefix of the key) is in their department's jurisdiction,
//!   and an enterprise in it; an object with no registered producer (an import, say) only with a
//!   province-level department (region `xx0000`). Otherwise 403 `outside_jurisdiction`.
//! - An enterprise traces its own objects and itself (403 `not_own_object` otherwise).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::graph::{lot_identifier, split_lot};
use super::walk::{Mode, StartPoint, Visit};
use super::{Direction, Start, Window};
use crate::db::DbConn;
use crate::departments::find_department;
use crate::enterprises::{load_enterprise, require_jurisdiction};
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::events::nodes;
use crate::identity::{Actor, Role};
use crate::schema::{batches, enterprises, epcis_event_nodes, epcis_events, products, sites};

/// The GS1 key of an object identifier, without the leading indicator or extension digit.
pub(crate) fn key_digits(identifier: &str) -> Option<&str> {
    let rest = identifier.strip_prefix("https://id.gs1.org/")?;
    let (ai, rest) = rest.split_once('/')?;
    let key = rest.split('/').next()?;
    match ai {
        "01" | "00" | "8003" | "8006" => key.get(1..),
        _ => Some(key),
    }
}

/// The registered enterprise that produced an object, if any: the one that filed the lot, else
/// the one that filed the GTIN as a product, else the one whose GS1 company prefix the key
/// starts with.
pub fn producer_of(conn: &mut DbConn, identifier: &str) -> Result<Option<i64>> {
    if let Some((gtin, lot)) = split_lot(identifier) {
        let filed: Option<i64> = batches::table
            .inner_join(products::table)
            .filter(products::gtin.eq(&gtin))
            .filter(batches::lot.eq(&lot))
            .select(batches::enterprise_id)
            .first(conn)
            .optional()?;
        if filed.is_some() {
            return Ok(filed);
        }
    }
    if let Some(gtin) = identifier
        .strip_prefix("https://id.gs1.org/01/")
        .and_then(|r| r.split('/').next())
    {
        let owner: Option<i64> = products::table
            .filter(products::gtin.eq(gtin))
            .select(products::enterprise_id)
            .first(conn)
            .optional()?;
        if owner.is_some() {
            return Ok(owner);
        }
    }
    let Some(key) = key_digits(identifier) else {
        return Ok(None);
    };
    let candidates: Vec<&str> = (6..=12).filter_map(|n| key.get(..n)).collect();
    Ok(enterprises::table
        .filter(enterprises::company_prefix.eq_any(candidates))
        .select(enterprises::id)
        .first(conn)
        .optional()?)
}

/// Fails unless `actor` may trace (or recall) from `start`.
pub fn authorize(conn: &mut DbConn, actor: &Actor, start: &Start) -> Result<()> {
    match actor.role {
        Role::Admin | Role::Inspector | Role::Ministry => return Ok(()),
        Role::Officer | Role::Enterprise => {}
        Role::System => {
            return Err(RegistryError::denied(
                Code::Forbidden,
                "regulator systems do not trace",
            ));
        }
    }
    let producer = match start {
        Start::Enterprise(id) => Some(*id),
        Start::Object(identifier) => producer_of(conn, identifier)?,
    };
    if actor.role == Role::Enterprise {
        return if producer.is_some() && producer == actor.enterprise_id {
            Ok(())
        } else {
            Err(RegistryError::denied(
                Code::NotOwnObject,
                "an enterprise traces only its own lots, items and units, and itself",
            ))
        };
    }
    match producer {
        Some(id) => {
            let producer = load_enterprise(conn, id)?;
            require_jurisdiction(conn, actor, &producer)
        }
        None => {
            let dept = match actor.department_id {
                Some(d) => find_department(conn, d)?,
                None => {
                    return Err(RegistryError::denied(
                        Code::OutsideJurisdiction,
                        "an officer without a department traces nothing",
                    ));
                }
            };
            if dept.region_code.ends_with("0000") {
                Ok(())
            } else {
                Err(RegistryError::denied(
                    Code::OutsideJurisdiction,
                    "the producer is not registered: a province-level department traces it",
                ))
            }
        }
    }
}

/// Roles that name the objects of an event.
const OBJECT_ROLES: [&str; 9] = [
    "epc",
    "parentID",
    "childEPC",
    "inputEPC",
    "outputEPC",
    "epcClass",
    "childEPCClass",
    "inputEPCClass",
    "outputEPCClass",
];

/// Where an enterprise trace starts: forward, the objects of events at its sites or with one of
/// its sites or parties as source (and its filed lots); backward, those of events at its sites
/// or with one of them as destination. True when cut at `max`.
pub(super) fn enterprise_objects(
    conn: &mut DbConn,
    enterprise_id: i64,
    direction: Direction,
    max: usize,
) -> Result<(Vec<StartPoint>, bool)> {
    load_enterprise(conn, enterprise_id)?;
    let glns: Vec<String> = sites::table
        .filter(sites::enterprise_id.eq(enterprise_id))
        .select(sites::gln)
        .load(conn)?;
    let places: Vec<String> = glns
        .iter()
        .flat_map(|g| {
            [
                format!("https://id.gs1.org/414/{g}"),
                format!("https://id.gs1.org/417/{g}"),
            ]
        })
        .collect();
    let place_nodes: Vec<i64> = nodes::lookup(conn, &places)?.into_values().collect();
    let forward = direction.is_forward();
    let wanted = if forward { "source:" } else { "destination:" };
    let at_places: Vec<(i64, String, NaiveDateTime)> = epcis_event_nodes::table
        .inner_join(epcis_events::table)
        .filter(epcis_event_nodes::node_id.eq_any(&place_nodes))
        .select((
            epcis_event_nodes::event_row_id,
            epcis_event_nodes::role,
            epcis_events::event_time,
        ))
        .load(conn)?;
    let times: std::collections::HashMap<i64, NaiveDateTime> = at_places
        .into_iter()
        .filter(|(_, role, _)| role == "bizLocation" || role.starts_with(wanted))
        .map(|(row, _, t)| (row, t))
        .collect();
    let rows: Vec<i64> = times.keys().copied().collect();
    let mut objects: Vec<(i64, i64)> = Vec::new();
    for chunk in rows.chunks(5000) {
        objects.extend(
            epcis_event_nodes::table
                .filter(epcis_event_nodes::event_row_id.eq_any(chunk))
                .filter(epcis_event_nodes::role.eq_any(OBJECT_ROLES))
                .select((epcis_event_nodes::event_row_id, epcis_event_nodes::node_id))
                .load::<(i64, i64)>(conn)?,
        );
    }
    let mut first: std::collections::HashMap<i64, NaiveDateTime> = Default::default();
    for (row, node) in objects {
        if let Some(t) = times.get(&row).copied() {
            let slot = first.entry(node).or_insert(t);
            *slot = if forward {
                (*slot).min(t)
            } else {
                (*slot).max(t)
            };
        }
    }
    let mut starts: Vec<(i64, NaiveDateTime)> = first.into_iter().collect();
    starts.sort_unstable();
    let cut = starts.len() > max;
    starts.truncate(max);
    let ids: Vec<i64> = starts.iter().map(|(n, _)| *n).collect();
    let names = nodes::identifiers(conn, &ids)?;
    let mut out: Vec<StartPoint> = starts
        .into_iter()
        .filter_map(|(node, t)| {
            let window = if forward {
                Window::from(t)
            } else {
                Window::until(t)
            };
            names.get(&node).map(|id| {
                (
                    node,
                    id.clone(),
                    Visit {
                        window,
                        mode: Mode::Whole,
                    },
                )
            })
        })
        .collect();
    if forward {
        out.extend(filed_lots(conn, enterprise_id, &out, max)?);
    }
    Ok((out, cut))
}

/// The enterprise's filed lots not already among `known`, as starting points.
fn filed_lots(
    conn: &mut DbConn,
    enterprise_id: i64,
    known: &[StartPoint],
    max: usize,
) -> Result<Vec<StartPoint>> {
    let filed: Vec<(String, String)> = batches::table
        .inner_join(products::table)
        .filter(batches::enterprise_id.eq(enterprise_id))
        .select((products::gtin, batches::lot))
        .limit(i64::try_from(max).unwrap_or(i64::MAX))
        .load(conn)?;
    let lots: Vec<String> = filed
        .iter()
        .filter_map(|(g, l)| lot_identifier(g, l))
        .filter(|id| !known.iter().any(|(_, k, _)| k == id))
        .collect();
    let found = nodes::lookup(conn, &lots)?;
    let mut next_virtual = -1;
    Ok(lots
        .into_iter()
        .map(|id| {
            let node = found.get(&id).copied().unwrap_or_else(|| {
                next_virtual -= 1;
                next_virtual + 1
            });
            (
                node,
                id,
                Visit {
                    window: Window::ALWAYS,
                    mode: Mode::Whole,
                },
            )
        })
        .collect())
}

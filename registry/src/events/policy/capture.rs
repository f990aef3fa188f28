//! Capture authorisation.
//!
//! - An enterprise captures an event only when its `readPoint` and `bizLocation` (when given)
//!   are SGLNs of its own registered sites, and every object (EPC, class, parent, input,
//!   output) is its own (a GTIN it filed, or a key within its GS1 company prefix) or one it
//!   received: it was the destination (one of its sites, or a party GLN of its sites or
//!   prefix) of an earlier stored event naming the object, or of the container the object was
//!   in, or of the lot it was commissioned into; or the event itself is a `receiving` event
//!   with the enterprise among its destinations. Refused with 403 `capture_not_own_site` or
//!   `capture_not_own_product`, naming `events[i].field`.
//!   An enterprise not yet approved (pending, rejected) or revoked captures nothing: 409
//!   `enterprise_not_active`.
//! - A regulator adapter captures an event only when every object is of its category: the
//!   category of the filed product of the GTIN, else a category of the enterprise whose GS1
//!   company prefix the key is in. The inputs of a transformation are exempt: what a producer
//!   of its category consumed may be of any category (raw milk, an agricultural product, goes
//!   into infant formula, a food). Refused with 403 `capture_outside_category`; an adapter
//!   bound to no category captures nothing (`capture_no_category`).
//!
//! Administrators capture anything. An approved enterprise is active or suspended: a suspended
//! producer still files the shipments, recalls and disposals of what it made. A regulator adapter
//! is a `system` user bound to a category (`users.category`). The checks run before capture
//! writes, in its transaction.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{gtin_of, object_fields};
use crate::db::DbConn;
use crate::enterprises::{Enterprise, Status, load_enterprise};
use crate::epcis::Event;
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::events::nodes;
use crate::events::trace::key_digits;
use crate::events::trace::places::gln_of;
use crate::identity::{Actor, Role};
use crate::schema::{
    enterprise_categories, enterprises, epcis_event_nodes, epcis_events, lineage_edges,
    lineage_nodes, products, sites, users,
};

/// The canonical `receiving` business step.
const RECEIVING: &str = "https://ref.gs1.org/cbv/BizStep-receiving";
/// Values per `IN (...)` list.
const CHUNK: usize = 5000;
/// Roles that name the objects of an event (`epcis_event_nodes.role`).
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

/// A refusal: event index, field, code, message.
type Refusal = (usize, String, Code, String);

fn refuse(r: Refusal) -> RegistryError {
    let (i, field, code, message) = r;
    RegistryError::denied_field(code, format!("events[{i}].{field}"), message)
}

/// Fails unless `actor` may capture every one of `events` (see the module documentation).
pub fn authorize_capture(conn: &mut DbConn, actor: &Actor, events: &[Event]) -> Result<()> {
    match actor.role {
        Role::Admin => Ok(()),
        Role::Enterprise => match actor.enterprise_id {
            Some(id) => check_enterprise(conn, id, events),
            None => Err(RegistryError::denied(
                Code::Forbidden,
                "an enterprise user without an enterprise captures nothing",
            )),
        },
        Role::System => check_system(conn, actor.user_id, events),
        _ => Err(RegistryError::denied(
            Code::Forbidden,
            "only administrators, enterprises and regulator systems capture events",
        )),
    }
}

/// 409 `enterprise_not_active` unless `enterprise` is approved: active, or suspended (a
/// suspended producer still files the shipments, recalls and disposals of what it made).
fn require_may_capture(enterprise: &Enterprise) -> Result<()> {
    match enterprise.status {
        Status::Active | Status::Suspended => Ok(()),
        status => Err(RegistryError::Conflict {
            code: Code::EnterpriseNotActive,
            field: None,
            message: format!(
                "enterprise {} is {}: only an approved enterprise captures events",
                enterprise.id,
                status.as_str()
            ),
        }),
    }
}

/// Who the enterprise is, as a place or party in an event.
struct Own {
    prefix: Option<String>,
    site_glns: HashSet<String>,
}

impl Own {
    fn is_site(&self, identifier: &str) -> bool {
        gln_of(identifier)
            .is_some_and(|(kind, g)| kind == "location" && self.site_glns.contains(&g))
    }

    /// A location or party identifier that is the enterprise (a site, or a GLN in its prefix).
    fn is_me(&self, identifier: &str) -> bool {
        gln_of(identifier).is_some_and(|(_, g)| {
            self.site_glns.contains(&g) || self.prefix.as_deref().is_some_and(|p| g.starts_with(p))
        })
    }
}

fn check_enterprise(conn: &mut DbConn, enterprise_id: i64, events: &[Event]) -> Result<()> {
    let enterprise = load_enterprise(conn, enterprise_id)?;
    require_may_capture(&enterprise)?;
    let own = Own {
        prefix: enterprise.company_prefix.filter(|p| !p.is_empty()),
        site_glns: sites::table
            .filter(sites::enterprise_id.eq(enterprise_id))
            .select(sites::gln)
            .load::<String>(conn)?
            .into_iter()
            .collect(),
    };
    let gtins: Vec<String> = distinct(
        events
            .iter()
            .flat_map(object_fields)
            .filter_map(|(_, id)| gtin_of(id)),
    );
    let mut filed: HashSet<String> = HashSet::new();
    for chunk in gtins.chunks(CHUNK) {
        filed.extend(
            products::table
                .filter(products::enterprise_id.eq(enterprise_id))
                .filter(products::gtin.eq_any(chunk))
                .select(products::gtin)
                .load::<String>(conn)?,
        );
    }
    let is_own_object = |id: &str| {
        gtin_of(id).is_some_and(|g| filed.contains(g))
            || own
                .prefix
                .as_deref()
                .is_some_and(|p| key_digits(id).is_some_and(|k| k.starts_with(p)))
    };
    let mut refusals: Vec<Refusal> = Vec::new();
    // Objects neither own nor received in their own event: (event index, field, id, time).
    let mut pending: Vec<(usize, String, &str, NaiveDateTime)> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        for (field, place) in [
            ("readPoint", &e.read_point),
            ("bizLocation", &e.biz_location),
        ] {
            if let Some(l) = place {
                if !own.is_site(&l.id) {
                    refusals.push((
                        i,
                        field.to_owned(),
                        Code::CaptureNotOwnSite,
                        format!("{} is not a registered site of the enterprise", l.id),
                    ));
                }
            }
        }
        let received_here = e.biz_step.as_deref() == Some(RECEIVING)
            && e.destination_list.iter().any(|d| own.is_me(&d.value));
        if received_here {
            continue;
        }
        for (field, id) in object_fields(e) {
            if !is_own_object(id) {
                pending.push((i, field, id, e.event_time.naive_utc()));
            }
        }
    }
    if !pending.is_empty() {
        let wanted: Vec<String> = distinct(pending.iter().map(|p| p.2));
        let received = receipts(conn, &wanted, &own)?;
        for (i, field, id, at) in pending {
            if received.get(id).is_none_or(|t| *t > at) {
                refusals.push((
                    i,
                    field,
                    Code::CaptureNotOwnProduct,
                    format!(
                        "{id} is neither a product of the enterprise nor received by it earlier"
                    ),
                ));
            }
        }
    }
    match refusals.into_iter().min_by_key(|r| r.0) {
        Some(r) => Err(refuse(r)),
        None => Ok(()),
    }
}

fn distinct<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = ids.map(str::to_owned).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// When each of `identifiers` was first received by the enterprise: it (or its container, or
/// the lot it was commissioned into) was an object of a stored event with the enterprise
/// among the destinations.
fn receipts(
    conn: &mut DbConn,
    identifiers: &[String],
    own: &Own,
) -> Result<HashMap<String, NaiveDateTime>> {
    let nodes = nodes::lookup(conn, identifiers)?;
    let ids: Vec<i64> = nodes.values().copied().collect();
    let direct = received_nodes(conn, &ids, own)?;
    // One step up: the containers the object was put in, the lot it was commissioned into.
    let open: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|n| !direct.contains_key(n))
        .collect();
    let mut holders: Vec<(i64, i64)> = Vec::new();
    for chunk in open.chunks(CHUNK) {
        holders.extend(
            lineage_edges::table
                .filter(lineage_edges::from_node.eq_any(chunk))
                .filter(lineage_edges::kind.eq("aggregate"))
                .select((lineage_edges::from_node, lineage_edges::to_node))
                .load::<(i64, i64)>(conn)?,
        );
        holders.extend(
            lineage_edges::table
                .filter(lineage_edges::to_node.eq_any(chunk))
                .filter(lineage_edges::kind.eq("commission"))
                .select((lineage_edges::to_node, lineage_edges::from_node))
                .load::<(i64, i64)>(conn)?,
        );
    }
    let holder_ids: Vec<i64> = holders.iter().map(|(_, h)| *h).collect();
    let via = received_nodes(conn, &holder_ids, own)?;
    let mut first: HashMap<i64, NaiveDateTime> = direct;
    for (object, holder) in holders {
        if let Some(t) = via.get(&holder).copied() {
            let slot = first.entry(object).or_insert(t);
            *slot = (*slot).min(t);
        }
    }
    Ok(nodes
        .into_iter()
        .filter_map(|(id, node)| first.get(&node).map(|t| (id, *t)))
        .collect())
}

/// The earliest event time at which each of `node_ids` was an object of an event with the
/// enterprise among its destinations.
fn received_nodes(
    conn: &mut DbConn,
    node_ids: &[i64],
    own: &Own,
) -> Result<HashMap<i64, NaiveDateTime>> {
    let mut named: Vec<(i64, i64, NaiveDateTime)> = Vec::new();
    for chunk in node_ids.chunks(CHUNK) {
        named.extend(
            epcis_event_nodes::table
                .inner_join(epcis_events::table)
                .filter(epcis_event_nodes::node_id.eq_any(chunk))
                .filter(epcis_event_nodes::role.eq_any(OBJECT_ROLES))
                .select((
                    epcis_event_nodes::event_row_id,
                    epcis_event_nodes::node_id,
                    epcis_events::event_time,
                ))
                .load::<(i64, i64, NaiveDateTime)>(conn)?,
        );
    }
    let mut rows: Vec<i64> = named.iter().map(|r| r.0).collect();
    rows.sort_unstable();
    rows.dedup();
    let mut to_me: HashSet<i64> = HashSet::new();
    for chunk in rows.chunks(CHUNK) {
        let dests: Vec<(i64, String)> = epcis_event_nodes::table
            .inner_join(lineage_nodes::table)
            .filter(epcis_event_nodes::event_row_id.eq_any(chunk))
            .filter(epcis_event_nodes::role.like("destination:%"))
            .select((epcis_event_nodes::event_row_id, lineage_nodes::identifier))
            .load(conn)?;
        to_me.extend(
            dests
                .into_iter()
                .filter(|(_, d)| own.is_me(d))
                .map(|(row, _)| row),
        );
    }
    let mut first: HashMap<i64, NaiveDateTime> = HashMap::new();
    for (row, node, t) in named {
        if to_me.contains(&row) {
            let slot = first.entry(node).or_insert(t);
            *slot = (*slot).min(t);
        }
    }
    Ok(first)
}

fn check_system(conn: &mut DbConn, user_id: i64, events: &[Event]) -> Result<()> {
    let category: Option<String> = users::table
        .find(user_id)
        .select(users::category)
        .first(conn)?;
    let Some(category) = category else {
        return Err(RegistryError::denied(
            Code::CaptureNoCategory,
            "this regulator system is bound to no category: it captures nothing",
        ));
    };
    let objects: Vec<(usize, String, &str)> = events
        .iter()
        .enumerate()
        .flat_map(|(i, e)| object_fields(e).into_iter().map(move |(f, id)| (i, f, id)))
        .filter(|(_, field, _)| !field.starts_with("input"))
        .collect();
    let gtins = distinct(objects.iter().filter_map(|(_, _, id)| gtin_of(id)));
    let mut product_of: HashMap<String, (String, i64)> = HashMap::new();
    for chunk in gtins.chunks(CHUNK) {
        let rows: Vec<(String, String, i64)> = products::table
            .filter(products::gtin.eq_any(chunk))
            .select((products::gtin, products::category, products::enterprise_id))
            .load(conn)?;
        product_of.extend(rows.into_iter().map(|(g, c, e)| (g, (c, e))));
    }
    let candidates: Vec<String> = distinct(
        objects
            .iter()
            .filter_map(|(_, _, id)| key_digits(id))
            .flat_map(|k| (6..=12).filter_map(move |n| k.get(..n))),
    );
    let mut owners: Vec<(i64, String)> = Vec::new();
    for chunk in candidates.chunks(CHUNK) {
        let rows: Vec<(i64, Option<String>)> = enterprises::table
            .filter(enterprises::company_prefix.eq_any(chunk))
            .select((enterprises::id, enterprises::company_prefix))
            .load(conn)?;
        owners.extend(rows.into_iter().filter_map(|(id, p)| p.map(|p| (id, p))));
    }
    let owner_ids: Vec<i64> = owners.iter().map(|(id, _)| *id).collect();
    let in_category: HashSet<i64> = enterprise_categories::table
        .filter(enterprise_categories::enterprise_id.eq_any(&owner_ids))
        .filter(enterprise_categories::category.eq(&category))
        .select(enterprise_categories::enterprise_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    for (i, field, id) in objects {
        let ok = match gtin_of(id).and_then(|g| product_of.get(g)) {
            Some((product_category, _)) => *product_category == category,
            None => key_digits(id).is_some_and(|k| {
                owners
                    .iter()
                    .any(|(e, p)| k.starts_with(p.as_str()) && in_category.contains(e))
            }),
        };
        if !ok {
            return Err(refuse((
                i,
                field,
                Code::CaptureOutsideCategory,
                format!("{id} is not a product of the category {category}"),
            )));
        }
    }
    Ok(())
}

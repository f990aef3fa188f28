//! Laying a forward trace out as a recall report: what each event moved (items counted through
//! their containers, lots with their quantities), per place and per group.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    AffectedItem, AffectedLot, Amount, Group, LocatedUnit, Reach, RecallReport, RecallRow,
};
use crate::db::DbConn;
use crate::epcis::cbv::{self, Vocab};
use crate::error::Result;
use crate::events::lineage::EdgeKind;
use crate::events::trace::graph::split_lot;
use crate::events::trace::walk::{Step, StepKind};
use crate::events::trace::{self, ObjectKind, Place, Traced, Window, object_kind, trace_events};
use crate::schema::{batches, enterprises, products};

/// Lays a forward trace out as a report.
/// What an event moved of each affected lot: items counted, and the class quantity if given.
type PerLot = BTreeMap<String, (usize, Option<(f64, String)>)>;

pub(super) struct Builder<'a> {
    t: &'a Traced,
    /// Containment edges followed, by container: (child, held).
    held: HashMap<i64, Vec<(i64, Window)>>,
    /// Traced nodes each kept event touches.
    touched: HashMap<i64, Vec<i64>>,
    /// The lot each item was commissioned into.
    item_lot: HashMap<i64, i64>,
}

impl<'a> Builder<'a> {
    pub(super) fn new(t: &'a Traced) -> Self {
        let mut held: HashMap<i64, Vec<(i64, Window)>> = HashMap::new();
        let mut item_lot = HashMap::new();
        for Step {
            from,
            to,
            kind,
            valid_from,
            valid_to,
            ..
        } in &t.walked.followed
        {
            match kind {
                StepKind::Edge(EdgeKind::Aggregate) => {
                    let w = Window {
                        from: Some(*valid_from),
                        to: *valid_to,
                    };
                    let list = held.entry(*to).or_default();
                    if !list.contains(&(*from, w)) {
                        list.push((*from, w));
                    }
                }
                StepKind::Edge(EdgeKind::Commission) => {
                    item_lot.insert(*to, *from);
                }
                _ => {}
            }
        }
        let mut touched: HashMap<i64, Vec<i64>> = HashMap::new();
        for (row, node, _) in &t.touches {
            touched.entry(*row).or_default().push(*node);
        }
        Builder {
            t,
            held,
            touched,
            item_lot,
        }
    }

    fn kind(&self, node: i64) -> ObjectKind {
        self.t
            .walked
            .identifiers
            .get(&node)
            .map_or(ObjectKind::Other, |id| object_kind(id))
    }

    /// The affected items and lots `node` is or carries at `at`.
    fn material(&self, node: i64, at: NaiveDateTime, depth: usize, out: &mut BTreeSet<i64>) {
        match self.kind(node) {
            ObjectKind::Item | ObjectKind::Lot => {
                out.insert(node);
            }
            _ if depth < 8 => {
                for (child, _) in self
                    .held
                    .get(&node)
                    .into_iter()
                    .flatten()
                    .filter(|(_, w)| w.contains(at))
                {
                    self.material(*child, at, depth + 1, out);
                }
            }
            _ => {}
        }
    }

    fn name(&self, node: i64) -> String {
        self.t
            .walked
            .identifiers
            .get(&node)
            .cloned()
            .unwrap_or_default()
    }

    pub(super) fn build(&self, conn: &mut DbConn, now: NaiveDateTime) -> Result<RecallReport> {
        let events = trace_events(self.t);
        let lot_nodes: Vec<i64> = self
            .t
            .walked
            .visits
            .keys()
            .copied()
            .filter(|n| self.kind(*n) == ObjectKind::Lot)
            .collect();
        let lots = self.lots(conn, &lot_nodes, &events)?;
        let products: HashMap<String, String> = lots
            .iter()
            .filter_map(|l| l.product.clone().map(|p| (l.gtin.clone(), p)))
            .collect();
        let mut rows = Vec::new();
        let mut reach: BTreeMap<String, ReachAcc> = BTreeMap::new();
        let mut item_seen: HashMap<i64, (NaiveDateTime, String)> = HashMap::new();
        let mut unit_places: HashMap<i64, BTreeSet<String>> = HashMap::new();
        for e in &events {
            let mut material = BTreeSet::new();
            for node in self.touched.get(&e.row_id).into_iter().flatten() {
                self.material(*node, e.event_time, 0, &mut material);
                if self.kind(*node) == ObjectKind::LogisticUnit {
                    if let Some(p) = &e.biz_location {
                        unit_places.entry(*node).or_default().insert(p.clone());
                    }
                }
            }
            let place = e.biz_location.clone().or_else(|| e.read_point.clone());
            for item in material
                .iter()
                .filter(|n| self.kind(**n) == ObjectKind::Item)
            {
                if let Some(p) = &place {
                    item_seen.insert(*item, (e.event_time, p.clone()));
                }
            }
            let mut per_lot: PerLot = BTreeMap::new();
            for n in &material {
                let lot = match self.kind(*n) {
                    ObjectKind::Lot => self.name(*n),
                    _ => self
                        .item_lot
                        .get(n)
                        .map(|l| self.name(*l))
                        .unwrap_or_default(),
                };
                let slot = per_lot.entry(lot.clone()).or_insert((0, None));
                if self.kind(*n) == ObjectKind::Item {
                    slot.0 += 1;
                } else if let Some(q) = e.quantities.iter().find(|q| q.class == lot) {
                    if let Some(quantity) = q.quantity {
                        slot.1 = Some((quantity, q.uom.clone().unwrap_or_else(|| "EA".into())));
                    }
                }
            }
            let places: Vec<&String> = [&e.biz_location, &e.read_point]
                .into_iter()
                .flatten()
                .chain(e.sources.iter().chain(&e.destinations).map(|p| &p.id))
                .collect();
            let retail = e
                .biz_step
                .as_deref()
                .is_some_and(|s| s.ends_with("retail_selling"));
            for p in places {
                let acc = reach
                    .entry(p.clone())
                    .or_insert_with(|| ReachAcc::new(e.event_time));
                acc.add(e.event_time, e.row_id, &material, &per_lot, retail);
            }
            let located = place.as_ref().and_then(|p| self.t.places.get(p));
            for (lot, (items, quantity)) in per_lot {
                let (gtin, _) = split_lot(&lot).unwrap_or_default();
                rows.push(RecallRow {
                    event_time: e.event_time,
                    biz_step: e
                        .biz_step
                        .as_deref()
                        .map(|s| cbv::bare_word(Vocab::BizStep, s).unwrap_or(s).to_owned())
                        .unwrap_or_default(),
                    event_type: e.event_type.clone(),
                    event: e
                        .event_id
                        .clone()
                        .unwrap_or_else(|| format!("row:{}", e.row_id)),
                    product: products.get(&gtin).cloned().unwrap_or_default(),
                    gtin,
                    lot,
                    quantity: quantity
                        .as_ref()
                        .map(|q| q.0)
                        .or(Some(items as f64).filter(|_| items > 0)),
                    uom: quantity.map_or_else(|| "EA".into(), |q| q.1),
                    items,
                    location: place.clone().unwrap_or_default(),
                    location_name: located
                        .and_then(|p| p.site_name.clone())
                        .unwrap_or_default(),
                    location_kind: located
                        .and_then(|p| p.site_kind.clone())
                        .unwrap_or_else(|| "unregistered".into()),
                    enterprise: located
                        .and_then(|p| p.enterprise_name.clone())
                        .unwrap_or_default(),
                    country: located.map(|p| p.country.clone()).unwrap_or_default(),
                    region: located.map(|p| p.region.clone()).unwrap_or_default(),
                    ship_from: e.sources.first().map(|p| p.id.clone()).unwrap_or_default(),
                    ship_to: e
                        .destinations
                        .first()
                        .map(|p| p.id.clone())
                        .unwrap_or_default(),
                });
            }
        }
        Ok(self.assemble(now, lots, rows, reach, item_seen, unit_places))
    }

    fn lots(
        &self,
        conn: &mut DbConn,
        lot_nodes: &[i64],
        events: &[trace::TraceEvent],
    ) -> Result<Vec<AffectedLot>> {
        let split: Vec<(i64, String, String)> = lot_nodes
            .iter()
            .filter_map(|n| split_lot(&self.name(*n)).map(|(g, l)| (*n, g, l)))
            .collect();
        let gtins: Vec<&str> = split.iter().map(|(_, g, _)| g.as_str()).collect();
        let numbers: Vec<&str> = split.iter().map(|(_, _, l)| l.as_str()).collect();
        let names: HashMap<String, String> = products::table
            .filter(products::gtin.eq_any(&gtins))
            .select((products::gtin, products::name))
            .load::<(String, String)>(conn)?
            .into_iter()
            .collect();
        let filed: Vec<(String, String, i64, String, chrono::NaiveDate)> = batches::table
            .inner_join(products::table)
            .inner_join(enterprises::table.on(enterprises::id.eq(batches::enterprise_id)))
            .filter(products::gtin.eq_any(&gtins))
            .filter(batches::lot.eq_any(&numbers))
            .select((
                products::gtin,
                batches::lot,
                enterprises::id,
                enterprises::name,
                batches::production_date,
            ))
            .load(conn)?;
        let mut out: Vec<AffectedLot> = split
            .into_iter()
            .map(|(node, gtin, lot)| {
                let id = self.name(node);
                let producer = filed.iter().find(|(g, l, _, _, _)| *g == gtin && *l == lot);
                let seen = events
                    .iter()
                    .find(|e| e.objects.contains(&id))
                    .map(|e| e.event_time);
                AffectedLot {
                    product: names.get(&gtin).cloned(),
                    producer_id: producer.map(|p| p.2),
                    producer: producer.map(|p| p.3.clone()),
                    first_seen: seen.or_else(|| producer.and_then(|p| p.4.and_hms_opt(0, 0, 0))),
                    id,
                    gtin,
                    lot,
                }
            })
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    fn assemble(
        &self,
        generated_at: NaiveDateTime,
        lots: Vec<AffectedLot>,
        rows: Vec<RecallRow>,
        reach: BTreeMap<String, ReachAcc>,
        item_seen: HashMap<i64, (NaiveDateTime, String)>,
        unit_places: HashMap<i64, BTreeSet<String>>,
    ) -> RecallReport {
        let visits = &self.t.walked.visits;
        let mut items: Vec<AffectedItem> = visits
            .keys()
            .filter(|n| self.kind(**n) == ObjectKind::Item)
            .map(|n| AffectedItem {
                id: self.name(*n),
                lot: self.item_lot.get(n).map(|l| self.name(*l)),
                last_place: item_seen.get(n).map(|s| s.1.clone()),
                last_seen: item_seen.get(n).map(|s| s.0),
            })
            .collect();
        items.sort_by(|a, b| a.id.cmp(&b.id));
        let mut logistic_units: Vec<LocatedUnit> = visits
            .iter()
            .filter(|(n, _)| self.kind(**n) == ObjectKind::LogisticUnit)
            .map(|(n, v)| LocatedUnit {
                id: self.name(*n),
                windows: v.iter().map(|v| v.window).collect(),
                places: unit_places
                    .get(n)
                    .map(|p| p.iter().cloned().collect())
                    .unwrap_or_default(),
            })
            .collect();
        logistic_units.sort_by(|a, b| a.id.cmp(&b.id));
        let mut sites = Vec::new();
        let mut parties = Vec::new();
        let mut items_at: HashMap<String, BTreeSet<i64>> = HashMap::new();
        for (id, acc) in reach {
            let Some(place) = self.t.places.get(&id) else {
                continue;
            };
            let items = acc
                .material
                .iter()
                .copied()
                .filter(|n| self.kind(*n) == ObjectKind::Item)
                .collect();
            items_at.insert(id.clone(), items);
            let r = acc.finish(place.clone(), |n| self.name(n), |n| self.kind(n));
            if place.kind == "party" {
                parties.push(r);
            } else {
                sites.push(r);
            }
        }
        let group = |key_of: &dyn Fn(&Reach) -> Option<String>| -> Vec<Group> {
            let mut groups: BTreeMap<String, Vec<&Reach>> = BTreeMap::new();
            for s in sites.iter().chain(&parties) {
                if let Some(k) = key_of(s) {
                    groups.entry(k).or_default().push(s);
                }
            }
            groups
                .into_iter()
                .map(|(key, members)| {
                    let items: BTreeSet<i64> = members
                        .iter()
                        .filter_map(|m| items_at.get(&m.place.identifier))
                        .flatten()
                        .copied()
                        .collect();
                    summarise(key, &members, items.len())
                })
                .collect()
        };
        let countries = group(&|s| {
            Some(if s.place.country.is_empty() {
                "unknown".into()
            } else {
                s.place.country.clone()
            })
        });
        let regions = group(&|s| {
            let region = if s.place.registered {
                s.place.region.clone()
            } else {
                "unregistered".into()
            };
            Some(format!(
                "{}/{region}",
                if s.place.country.is_empty() {
                    "unknown"
                } else {
                    &s.place.country
                }
            ))
        });
        let retailers = group(&|s| {
            s.retail.then(|| {
                s.place.enterprise_name.clone().unwrap_or_else(|| {
                    format!(
                        "unregistered ({})",
                        s.place
                            .gln
                            .clone()
                            .unwrap_or_else(|| s.place.identifier.clone())
                    )
                })
            })
        });
        let warehouses: Vec<Reach> = sites
            .iter()
            .filter(|s| matches!(s.place.site_kind.as_deref(), Some("warehouse" | "port")))
            .cloned()
            .collect();
        RecallReport {
            lot: String::new(),
            generated_at,
            lots,
            items,
            logistic_units,
            sites,
            parties,
            countries,
            regions,
            warehouses,
            retailers,
            rows,
            truncated: self.t.truncated,
        }
    }
}

fn summarise(key: String, members: &[&Reach], items: usize) -> Group {
    let lots: BTreeSet<&String> = members.iter().flat_map(|m| &m.lots).collect();
    Group {
        key,
        sites: members.iter().filter(|m| m.place.kind != "party").count(),
        parties: members.iter().filter(|m| m.place.kind == "party").count(),
        items,
        lots: lots.len(),
        first: members.iter().map(|m| m.first).min().unwrap_or_default(),
        last: members.iter().map(|m| m.last).max().unwrap_or_default(),
        places: members
            .iter()
            .map(|m| {
                m.place
                    .gln
                    .clone()
                    .unwrap_or_else(|| m.place.identifier.clone())
            })
            .collect(),
    }
}

/// What is gathered about one place while the events are read.
struct ReachAcc {
    first: NaiveDateTime,
    last: NaiveDateTime,
    material: BTreeSet<i64>,
    lot_quantities: BTreeMap<(String, String), f64>,
    events: BTreeSet<i64>,
    retail: bool,
}

impl ReachAcc {
    fn new(at: NaiveDateTime) -> Self {
        ReachAcc {
            first: at,
            last: at,
            material: BTreeSet::new(),
            lot_quantities: BTreeMap::new(),
            events: BTreeSet::new(),
            retail: false,
        }
    }

    fn add(
        &mut self,
        at: NaiveDateTime,
        row: i64,
        material: &BTreeSet<i64>,
        per_lot: &PerLot,
        retail: bool,
    ) {
        self.first = self.first.min(at);
        self.last = self.last.max(at);
        self.material.extend(material);
        self.events.insert(row);
        self.retail |= retail;
        for (lot, (_, quantity)) in per_lot {
            if let Some((q, uom)) = quantity {
                let slot = self
                    .lot_quantities
                    .entry((lot.clone(), uom.clone()))
                    .or_insert(0.0);
                *slot = slot.max(*q);
            }
        }
    }

    fn finish(
        self,
        place: Place,
        name: impl Fn(i64) -> String,
        kind: impl Fn(i64) -> ObjectKind,
    ) -> Reach {
        let items = self
            .material
            .iter()
            .filter(|n| kind(**n) == ObjectKind::Item)
            .count();
        let mut lots: BTreeSet<String> = self
            .material
            .iter()
            .filter(|n| kind(**n) == ObjectKind::Lot)
            .map(|n| name(*n))
            .collect();
        lots.extend(self.lot_quantities.keys().map(|(l, _)| l.clone()));
        let mut per_uom: BTreeMap<String, f64> = BTreeMap::new();
        for ((_, uom), q) in &self.lot_quantities {
            *per_uom.entry(uom.clone()).or_insert(0.0) += q;
        }
        if items > 0 {
            *per_uom.entry("EA".into()).or_insert(0.0) += items as f64;
        }
        let retail = self.retail || place.site_kind.as_deref() == Some("store");
        Reach {
            place,
            first: self.first,
            last: self.last,
            items,
            lots: lots.into_iter().collect(),
            quantities: per_uom
                .into_iter()
                .map(|(uom, quantity)| Amount { quantity, uom })
                .collect(),
            events: self.events.len(),
            retail,
        }
    }
}

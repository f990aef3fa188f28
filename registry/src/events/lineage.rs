//! Lineage edges, derived from each event at capture and stored beside the events (on the
//! integer ids of [`super::nodes`]), so that a trace is a walk over `lineage_edges` instead of a
//! scan of all events.
//!
//! Every edge reads "`from_node` flows into `to_node`": what affects `from_node` reaches `to_node`.
//!
//! - `transform`: a `TransformationEvent`, from every input (EPC or class) to every output.
//! - `commission`: from a lot to each item commissioned into it. An `ObjectEvent` with `ADD`
//!   (or a `TransformationEvent`) whose `ilmd` carries `cbvmda:lotNumber` puts the GTIN-keyed
//!   items of its `epcList` (`outputEPCList`) into the lot `https://id.gs1.org/01/{gtin}/10/{lot}`.
//! - `aggregate`: an `AggregationEvent` with `ADD` and a `parentID`, from every child (EPC or
//!   class) to the parent: the container carries what it holds. `valid_from` is the event time;
//!   an `AggregationEvent` with `DELETE` closes the open edges of those children to that parent
//!   (of all its children when it lists none) at its event time (`valid_to`), when they were
//!   opened no later than it. Containment does not spread sideways: a walk goes from a child up
//!   to its container, and down again only from where it started ([`super::trace`]).
//! - `ship`: an event with both a `sourceList` and a `destinationList`, from every source to
//!   every destination of the same type (owning party to owning party, location to location);
//!   the objects shipped are those of the edge's event (`event_row_id`, then `epcis_event_nodes`).
//!
//! Edges are written once per stored event (a duplicate capture writes none).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use std::collections::HashMap;
use std::time::Instant;

use super::profile::{Stage, lap};

use super::company_prefix;
use crate::db::DbConn;
use crate::epcis::ext::{CBVMDA_NS, canonical_ns};
use crate::epcis::{Action, Event, EventType, ExtValue};
use crate::error::{RegistryError, Result};
use crate::ids::epc::{Canonical, canonicalize};
use crate::schema::lineage_edges;

/// What an edge stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// Input to output of a transformation.
    Transform,
    /// Child to parent (container) of an aggregation.
    Aggregate,
    /// Source to destination of a shipment.
    Ship,
    /// A lot to an item commissioned into it.
    Commission,
}

impl EdgeKind {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Transform => "transform",
            EdgeKind::Aggregate => "aggregate",
            EdgeKind::Ship => "ship",
            EdgeKind::Commission => "commission",
        }
    }

    /// Reads the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "transform" => EdgeKind::Transform,
            "aggregate" => EdgeKind::Aggregate,
            "ship" => EdgeKind::Ship,
            "commission" => EdgeKind::Commission,
            _ => return None,
        })
    }
}

/// An edge derived from one event (not yet tied to a stored row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// Upstream identifier.
    pub from: String,
    /// Downstream identifier.
    pub to: String,
    /// What the edge stands for.
    pub kind: EdgeKind,
}

/// The aggregation edges a `DELETE` closes: `children` (all when empty) out of `parent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closing {
    /// The container.
    pub parent: String,
    /// The children taken out; empty means all.
    pub children: Vec<String>,
}

/// The edges an event opens, and the aggregation it closes, if any.
pub fn edges_of(e: &Event) -> (Vec<Edge>, Option<Closing>) {
    let mut out = Vec::new();
    let mut closing = None;
    match e.event_type {
        EventType::TransformationEvent => {
            let inputs = e
                .input_epc_list
                .iter()
                .chain(e.input_quantity_list.iter().map(|q| &q.epc_class));
            for i in inputs {
                let outputs = e
                    .output_epc_list
                    .iter()
                    .chain(e.output_quantity_list.iter().map(|q| &q.epc_class));
                for o in outputs {
                    push(&mut out, i, o, EdgeKind::Transform);
                }
            }
        }
        EventType::AggregationEvent => {
            if let Some(parent) = &e.parent_id {
                let children: Vec<String> = e
                    .child_epcs
                    .iter()
                    .chain(e.child_quantity_list.iter().map(|q| &q.epc_class))
                    .cloned()
                    .collect();
                match e.action {
                    Some(Action::Add) => {
                        for c in &children {
                            push(&mut out, c, parent, EdgeKind::Aggregate);
                        }
                    }
                    Some(Action::Delete) => {
                        closing = Some(Closing {
                            parent: parent.clone(),
                            children,
                        });
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    commission_edges(e, &mut out);
    for s in &e.source_list {
        for d in e.destination_list.iter().filter(|d| d.kind == s.kind) {
            push(&mut out, &s.value, &d.value, EdgeKind::Ship);
        }
    }
    (out, closing)
}

/// The `cbvmda:lotNumber` of an event's `ilmd`, if any.
fn ilmd_lot(e: &Event) -> Option<&str> {
    e.ilmd.as_ref()?.iter().find_map(|x| {
        let is_lot = canonical_ns(&x.ns) == CBVMDA_NS && x.local == "lotNumber";
        match &x.value {
            ExtValue::Text(lot) | ExtValue::Number(lot) if is_lot => Some(lot.as_str()),
            _ => None,
        }
    })
}

/// The lot class of a GTIN-keyed item (`https://id.gs1.org/01/{gtin}/21/...`) in `lot`.
pub fn lot_of_item(item: &str, lot: &str) -> Option<String> {
    let rest = item.strip_prefix("https://id.gs1.org/01/")?;
    let gtin = rest.split('/').next()?;
    match canonicalize(&format!(
        "https://id.gs1.org/01/{gtin}/10/{}",
        encode_lot(lot)
    )) {
        Ok(Canonical::Gs1(class)) => Some(class),
        _ => None,
    }
}

/// A lot number percent-encoded for a Digital Link path (GS1 CSET 82 has a few reserved
/// characters).
fn encode_lot(lot: &str) -> String {
    let mut out = String::with_capacity(lot.len());
    for b in lot.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn commission_edges(e: &Event, out: &mut Vec<Edge>) {
    let items = match (e.event_type, e.action) {
        (EventType::ObjectEvent, Some(Action::Add)) => &e.epc_list,
        (EventType::TransformationEvent, _) => &e.output_epc_list,
        _ => return,
    };
    let Some(lot) = ilmd_lot(e) else { return };
    for item in items {
        if let Some(class) = lot_of_item(item, lot) {
            push(out, &class, item, EdgeKind::Commission);
        }
    }
}

fn push(out: &mut Vec<Edge>, from: &str, to: &str, kind: EdgeKind) {
    let edge = Edge {
        from: from.to_owned(),
        to: to.to_owned(),
        kind,
    };
    if from != to && !out.contains(&edge) {
        out.push(edge);
    }
}

/// Rows per insert statement on SQLite (7 bind values each; it allows 32766).
const SQLITE_CHUNK: usize = 4000;

/// What one stored event adds to the lineage: `(event row id, event time, edges, closing)`.
pub(super) type Derived<'a> = (i64, NaiveDateTime, &'a [Edge], Option<&'a Closing>);

fn node(nodes: &HashMap<String, i64>, id: &str) -> Result<i64> {
    nodes
        .get(id)
        .copied()
        .ok_or_else(|| RegistryError::Config(format!("lineage node {id} was not interned")))
}

/// Writes the edges of stored events and closes the aggregations they end; every identifier
/// is in `nodes`.
pub(super) fn write(
    conn: &mut DbConn,
    derived: &[Derived<'_>],
    nodes: &HashMap<String, i64>,
) -> Result<()> {
    let t = Instant::now();
    let mut keyed = Vec::new();
    for (row_id, at, edges, _) in derived {
        for edge in *edges {
            let (from, to) = (node(nodes, &edge.from)?, node(nodes, &edge.to)?);
            keyed.push((from, to, edge.kind.as_str(), *row_id, *at, &edge.from));
        }
    }
    // In primary-key order: the B-tree takes them a page at a time.
    keyed.sort_unstable_by(|a, b| (a.0, a.1, a.2, a.3).cmp(&(b.0, b.1, b.2, b.3)));
    let rows: Vec<_> = keyed
        .iter()
        .map(|(from, to, kind, row_id, at, from_id)| {
            (
                lineage_edges::from_node.eq(*from),
                lineage_edges::to_node.eq(*to),
                lineage_edges::kind.eq(*kind),
                lineage_edges::event_row_id.eq(*row_id),
                lineage_edges::valid_from.eq(*at),
                lineage_edges::valid_to.eq(None::<NaiveDateTime>),
                lineage_edges::company_prefix.eq(company_prefix(from_id)),
            )
        })
        .collect();
    match conn {
        DbConn::Pg(pg) => {
            if !rows.is_empty() {
                diesel::copy_from(lineage_edges::table)
                    .from_insertable(&rows)
                    .execute(pg)?;
            }
        }
        DbConn::Sqlite(lite) => {
            for chunk in rows.chunks(SQLITE_CHUNK) {
                diesel::insert_into(lineage_edges::table)
                    .values(chunk)
                    .execute(lite)?;
            }
        }
    }
    let closings: Vec<(NaiveDateTime, &Closing)> = derived
        .iter()
        .filter_map(|(_, at, _, c)| c.map(|c| (*at, c)))
        .collect();
    let t = lap(Stage::Edges, t);
    if let DbConn::Pg(pg) = conn {
        close_together(pg, &closings, nodes)?;
    } else {
        for (at, c) in closings {
            close(conn, at, c, nodes)?;
        }
    }
    lap(Stage::Closings, t);
    Ok(())
}

/// On PostgreSQL, the `DELETE`s of a round close their edges in two statements (a round trip
/// per `DELETE` would dominate capture): one for those that name their children, one for those
/// that empty the container. A container closed twice in the round is closed one `DELETE` at a
/// time, in order, so that each edge ends at the right one.
fn close_together(
    pg: &mut diesel::PgConnection,
    closings: &[(NaiveDateTime, &Closing)],
    nodes: &HashMap<String, i64>,
) -> Result<()> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (_, c) in closings {
        *seen.entry(c.parent.as_str()).or_insert(0) += 1;
    }
    let mut listed = ClosingRows::default();
    let mut emptied = ClosingRows::default();
    for (at, c) in closings {
        let repeated = seen.get(c.parent.as_str()).copied().unwrap_or(0) > 1;
        let mut one_listed = ClosingRows::default();
        let mut one_emptied = ClosingRows::default();
        let (to_list, to_empty) = if repeated {
            (&mut one_listed, &mut one_emptied)
        } else {
            (&mut listed, &mut emptied)
        };
        let parent = node(nodes, &c.parent)?;
        if c.children.is_empty() {
            to_empty.push(parent, None, *at);
        }
        for child in &c.children {
            to_list.push(parent, Some(node(nodes, child)?), *at);
        }
        if repeated {
            one_listed.apply(pg)?;
            one_emptied.apply(pg)?;
        }
    }
    listed.apply(pg)?;
    emptied.apply(pg)
}

/// Closings to apply in one statement: parallel arrays for `unnest`.
#[derive(Default)]
struct ClosingRows {
    parents: Vec<i64>,
    children: Vec<i64>,
    times: Vec<NaiveDateTime>,
    emptied: bool,
}

impl ClosingRows {
    fn push(&mut self, parent: i64, child: Option<i64>, at: NaiveDateTime) {
        self.parents.push(parent);
        self.times.push(at);
        match child {
            Some(c) => self.children.push(c),
            None => self.emptied = true,
        }
    }

    fn apply(&self, pg: &mut diesel::PgConnection) -> Result<()> {
        use diesel::sql_types::{Array, BigInt, Timestamp};
        if self.parents.is_empty() {
            return Ok(());
        }
        if self.emptied {
            // Each container's open edges are found through `lineage_edges_to` by construction
            // (`OFFSET 0` keeps the sub-query per container): as a plain join, the planner
            // scanned the whole table while its statistics lagged behind a fast-growing table.
            diesel::sql_query(
                "UPDATE lineage_edges e SET valid_to = o.at \
                 FROM (SELECT x.ctid AS tid, c.at \
                       FROM unnest($1::bigint[], $2::timestamp[]) AS c(parent, at), \
                       LATERAL (SELECT ctid FROM lineage_edges x \
                                WHERE x.to_node = c.parent AND x.kind = 'aggregate' \
                                AND x.valid_to IS NULL AND x.valid_from <= c.at OFFSET 0) x) o \
                 WHERE e.ctid = o.tid",
            )
            .bind::<Array<BigInt>, _>(&self.parents)
            .bind::<Array<Timestamp>, _>(&self.times)
            .execute(pg)?;
        } else {
            diesel::sql_query(
                "UPDATE lineage_edges e SET valid_to = c.at \
                 FROM unnest($1::bigint[], $2::bigint[], $3::timestamp[]) AS c(parent, child, at) \
                 WHERE e.to_node = c.parent AND e.from_node = c.child AND e.kind = 'aggregate' \
                 AND e.valid_to IS NULL AND e.valid_from <= c.at",
            )
            .bind::<Array<BigInt>, _>(&self.parents)
            .bind::<Array<BigInt>, _>(&self.children)
            .bind::<Array<Timestamp>, _>(&self.times)
            .execute(pg)?;
        }
        Ok(())
    }
}

/// Ends at `at` the open containment edges a `DELETE` names.
fn close(
    conn: &mut DbConn,
    at: NaiveDateTime,
    c: &Closing,
    nodes: &HashMap<String, i64>,
) -> Result<()> {
    let open = lineage_edges::kind
        .eq(EdgeKind::Aggregate.as_str())
        .and(lineage_edges::to_node.eq(node(nodes, &c.parent)?))
        .and(lineage_edges::valid_to.is_null())
        .and(lineage_edges::valid_from.le(at));
    if c.children.is_empty() {
        diesel::update(lineage_edges::table.filter(open))
            .set(lineage_edges::valid_to.eq(at))
            .execute(conn)?;
        return Ok(());
    }
    let children = c
        .children
        .iter()
        .map(|id| node(nodes, id))
        .collect::<Result<Vec<i64>>>()?;
    for chunk in children.chunks(SQLITE_CHUNK) {
        diesel::update(
            lineage_edges::table
                .filter(open)
                .filter(lineage_edges::from_node.eq_any(chunk)),
        )
        .set(lineage_edges::valid_to.eq(at))
        .execute(conn)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::epcis::{QuantityElement, SourceDest};

    fn t() -> chrono::DateTime<chrono::FixedOffset> {
        chrono::DateTime::UNIX_EPOCH.fixed_offset()
    }

    #[test]
    fn transformation_aggregation_and_shipping_edges() {
        let mut e = Event::new(EventType::TransformationEvent, t());
        e.input_quantity_list = vec![QuantityElement {
            epc_class: "lot-a".into(),
            quantity: None,
            uom: None,
        }];
        e.output_epc_list = vec!["x".into(), "y".into()];
        let (edges, closing) = edges_of(&e);
        assert_eq!(edges.len(), 2);
        assert!(closing.is_none());
        assert_eq!(
            (edges[0].from.as_str(), edges[0].to.as_str()),
            ("lot-a", "x")
        );

        let mut a = Event::new(EventType::AggregationEvent, t());
        a.parent_id = Some("pallet".into());
        a.child_epcs = vec!["case".into()];
        a.action = Some(Action::Add);
        let (edges, _) = edges_of(&a);
        assert_eq!(edges[0].kind, EdgeKind::Aggregate);
        assert_eq!(
            (edges[0].from.as_str(), edges[0].to.as_str()),
            ("case", "pallet")
        );
        a.action = Some(Action::Delete);
        let (edges, closing) = edges_of(&a);
        assert!(edges.is_empty());
        assert_eq!(closing.map(|c| c.parent), Some("pallet".into()));

        let mut s = Event::new(EventType::ObjectEvent, t());
        s.source_list = vec![SourceDest {
            kind: "owner".into(),
            value: "p1".into(),
        }];
        s.destination_list = vec![
            SourceDest {
                kind: "owner".into(),
                value: "p2".into(),
            },
            SourceDest {
                kind: "location".into(),
                value: "l2".into(),
            },
        ];
        let (edges, _) = edges_of(&s);
        assert_eq!(
            edges,
            vec![Edge {
                from: "p1".into(),
                to: "p2".into(),
                kind: EdgeKind::Ship
            }]
        );
    }
}

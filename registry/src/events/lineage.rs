//! Lineage edges, derived from each event at capture and stored beside the events, so that a
//! trace is a walk over `lineage_edges` instead of a scan of all events.
//!
//! Every edge reads "`from_id` flows into `to_id`": what affects `from_id` reaches `to_id`.
//!
//! - `transform`: a `TransformationEvent`, from every input (EPC or class) to every output.
//! - `aggregate`: an `AggregationEvent` with `ADD` and a `parentID`, from every child (EPC or
//!   class) to the parent: the container carries what it holds. `valid_from` is the event time;
//!   an `AggregationEvent` with `DELETE` closes the open edges of those children to that parent
//!   (of all its children when it lists none) at its event time (`valid_to`), when they were
//!   opened no later than it. Containment does not spread sideways: a walk goes from a child up
//!   to its container, and down again only backwards in time.
//! - `ship`: an event with both a `sourceList` and a `destinationList`, from every source to
//!   every destination of the same type (owning party to owning party, location to location);
//!   the objects shipped are those of the edge's event (`event_row_id`, then `epcis_event_ids`).
//!
//! Edges are written once per stored event (a duplicate capture writes none).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::company_prefix;
use crate::db::DbConn;
use crate::epcis::{Action, Event, EventType};
use crate::error::Result;
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
}

impl EdgeKind {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Transform => "transform",
            EdgeKind::Aggregate => "aggregate",
            EdgeKind::Ship => "ship",
        }
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
    for s in &e.source_list {
        for d in e.destination_list.iter().filter(|d| d.kind == s.kind) {
            push(&mut out, &s.value, &d.value, EdgeKind::Ship);
        }
    }
    (out, closing)
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

/// Rows per insert statement (8 bind values each; SQLite allows 32766).
const CHUNK: usize = 2000;

/// Writes the edges of stored events: `(event row id, event time, event)`.
pub(super) fn write(conn: &mut DbConn, events: &[(i64, NaiveDateTime, &Event)]) -> Result<()> {
    let mut rows = Vec::new();
    let mut closings = Vec::new();
    for (row_id, at, e) in events {
        let (edges, closing) = edges_of(e);
        for edge in edges {
            rows.push((
                lineage_edges::company_prefix.eq(company_prefix(&edge.from)),
                lineage_edges::from_id.eq(edge.from),
                lineage_edges::to_id.eq(edge.to),
                lineage_edges::kind.eq(edge.kind.as_str()),
                lineage_edges::event_row_id.eq(*row_id),
                lineage_edges::valid_from.eq(*at),
            ));
        }
        if let Some(c) = closing {
            closings.push((*at, c));
        }
    }
    for chunk in rows.chunks(CHUNK) {
        let insert = diesel::insert_into(lineage_edges::table).values(chunk);
        per_backend!(&mut *conn, |c| insert.execute(c))?;
    }
    for (at, c) in closings {
        let open = lineage_edges::kind
            .eq(EdgeKind::Aggregate.as_str())
            .and(lineage_edges::to_id.eq(c.parent))
            .and(lineage_edges::valid_to.is_null())
            .and(lineage_edges::valid_from.le(at));
        if c.children.is_empty() {
            diesel::update(lineage_edges::table.filter(open))
                .set(lineage_edges::valid_to.eq(at))
                .execute(conn)?;
        } else {
            for chunk in c.children.chunks(1000) {
                diesel::update(
                    lineage_edges::table
                        .filter(open.clone())
                        .filter(lineage_edges::from_id.eq_any(chunk)),
                )
                .set(lineage_edges::valid_to.eq(at))
                .execute(conn)?;
            }
        }
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

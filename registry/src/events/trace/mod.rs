//! Trace: backward (where did this come from) and forward (where did it go) through
//! transformations, commissioning into lots, aggregations bounded in time, shipments, and the
//! input lots enterprises filed for their batches.
//!
//! A trace starts from an item (SGTIN), a lot (`https://id.gs1.org/01/{gtin}/10/{lot}`), a
//! logistic unit (SSCC) or any other GS1-keyed object, or from an enterprise (what left its
//! sites and parties, or what arrived there). [`walk`] finds the objects reached and when;
//! then the events that touch them within those windows give the places, parties and dates.
//!
//! A walk stops at [`MAX_NODES`] (200,000) nodes and says `truncated`. Who may start a trace from
//! what is [`authorize`] (officers within their jurisdiction, enterprises their own objects);
//! where the trace went, matched to the registry, is [`places`].

mod access;
pub(crate) mod graph;
pub mod places;
pub(crate) mod walk;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

pub(crate) use access::key_digits;
pub use access::{authorize, producer_of};
pub use places::{Place, gs1_country};

use self::graph::{EventRow, Touch};
use self::walk::{Mode, StartPoint, StepKind, Visit, Walked};
use crate::db::DbConn;
use crate::epcis::Event;
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::events::aliases::aliases_of_events;
use crate::events::nodes;
use crate::ids::epc::{Canonical, canonicalize};

/// Which way to walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Where did it go.
    Forward,
    /// Where did it come from.
    Backward,
}

impl Direction {
    /// True for [`Direction::Forward`].
    pub fn is_forward(self) -> bool {
        self == Direction::Forward
    }
}

/// A closed time interval (UTC); `None` is unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Window {
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub from: Option<NaiveDateTime>,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub to: Option<NaiveDateTime>,
}

impl Window {
    /// All time.
    pub const ALWAYS: Window = Window {
        from: None,
        to: None,
    };

    /// From `t` on.
    pub fn from(t: NaiveDateTime) -> Self {
        Window {
            from: Some(t),
            to: None,
        }
    }

    /// Up to `t`.
    pub fn until(t: NaiveDateTime) -> Self {
        Window {
            from: None,
            to: Some(t),
        }
    }

    /// True when `t` is inside.
    pub fn contains(&self, t: NaiveDateTime) -> bool {
        self.from.is_none_or(|f| f <= t) && self.to.is_none_or(|e| t <= e)
    }

    /// The common part, if any.
    pub fn overlap(&self, other: &Window) -> Option<Window> {
        let from = match (self.from, other.from) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let to = match (self.to, other.to) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match (from, to) {
            (Some(f), Some(t)) if f > t => None,
            _ => Some(Window { from, to }),
        }
    }

    /// True when `other` lies inside this window.
    pub fn covers(&self, other: &Window) -> bool {
        let starts = match (self.from, other.from) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(a), Some(b)) => a <= b,
        };
        let ends = match (self.to, other.to) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(a), Some(b)) => b <= a,
        };
        starts && ends
    }
}

/// Where a trace starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// An object: item, lot, logistic unit (canonical identifier, see [`parse_start`]).
    Object(String),
    /// An enterprise: its sites and parties.
    Enterprise(i64),
}

/// What an identifier names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// A serialised trade item (SGTIN).
    Item,
    /// A lot (GTIN + lot number).
    Lot,
    /// A logistic unit (SSCC).
    LogisticUnit,
    /// A location (SGLN).
    Location,
    /// A party (PGLN).
    Party,
    /// Any other identifier.
    Other,
}

/// The kind of a canonical identifier.
pub fn object_kind(identifier: &str) -> ObjectKind {
    let Some(rest) = identifier.strip_prefix("https://id.gs1.org/") else {
        return ObjectKind::Other;
    };
    let mut segments = rest.split('/');
    match (segments.next(), segments.nth(1)) {
        (Some("01"), Some("21")) => ObjectKind::Item,
        (Some("01"), Some("10")) => ObjectKind::Lot,
        (Some("00"), _) => ObjectKind::LogisticUnit,
        (Some("414"), _) => ObjectKind::Location,
        (Some("417"), _) => ObjectKind::Party,
        _ => ObjectKind::Other,
    }
}

/// Reads a starting identifier (EPC URN or GS1 Digital Link) into its canonical form; `field`
/// names it in errors. Locations and parties are refused: trace an enterprise instead.
pub fn parse_start(value: &str, field: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(RegistryError::invalid(
            Code::InvalidIdentifier,
            field,
            "an identifier is required",
        ));
    }
    let canonical = match canonicalize(value) {
        Ok(Canonical::Gs1(c)) => c,
        Ok(Canonical::Other) => {
            return Err(RegistryError::invalid(
                Code::InvalidIdentifier,
                field,
                format!("{value:?} is not a GS1 identifier (EPC URN or GS1 Digital Link)"),
            ));
        }
        Err(e) => {
            return Err(RegistryError::invalid(
                Code::InvalidIdentifier,
                field,
                e.to_string(),
            ));
        }
    };
    if matches!(
        object_kind(&canonical),
        ObjectKind::Location | ObjectKind::Party
    ) {
        return Err(RegistryError::invalid(
            Code::InvalidIdentifier,
            field,
            "a location or party is not traced by itself: trace its enterprise",
        ));
    }
    Ok(canonical)
}

/// A node of a trace.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TraceNode {
    /// Canonical identifier.
    pub id: String,
    pub kind: ObjectKind,
    /// `start`, `contents` (inside a starting container), `material` (made or taken from what
    /// is traced) or `carrier` (a container that held it: located, its other contents are not
    /// affected).
    pub reached_as: String,
    /// When it carried what is traced.
    pub windows: Vec<Window>,
}

/// An edge of a trace: `from` flows into `to`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TraceEdge {
    pub from: String,
    pub to: String,
    /// `transform`, `commission`, `aggregate`, `input` (a filed batch input) or `ship`.
    pub kind: String,
    /// The stored event behind it (none for filed inputs).
    pub event_row_id: Option<i64>,
    /// Its `eventID`, when it has one.
    pub event_id: Option<String>,
    /// When it happened (aggregations: from).
    #[serde(with = "crate::time::as_rfc3339")]
    pub time: NaiveDateTime,
    /// Aggregations: when the container gave it up.
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub until: Option<NaiveDateTime>,
}

/// A source or destination of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Party {
    /// Canonical CBV source/destination type.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}

/// A quantity of a class in an event.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ClassQuantity {
    pub class: String,
    pub quantity: Option<f64>,
    pub uom: Option<String>,
}

/// An event that touched what is traced, within the window it was traced for.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TraceEvent {
    pub row_id: i64,
    pub event_id: Option<String>,
    /// Other eventIDs the same event was captured with ([`crate::events::aliases`]).
    pub event_id_aliases: Vec<String>,
    pub event_type: String,
    #[serde(with = "crate::time::as_rfc3339")]
    pub event_time: NaiveDateTime,
    pub action: Option<String>,
    pub biz_step: Option<String>,
    pub disposition: Option<String>,
    pub read_point: Option<String>,
    pub biz_location: Option<String>,
    pub sources: Vec<Party>,
    pub destinations: Vec<Party>,
    /// Traced objects it names.
    pub objects: Vec<String>,
    /// Quantities of the traced classes it names.
    pub quantities: Vec<ClassQuantity>,
}

/// A trace: nodes, edges with their events and times, the events, and the places reached.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Trace {
    pub direction: Direction,
    /// The starting identifiers.
    pub start: Vec<String>,
    pub nodes: Vec<TraceNode>,
    pub edges: Vec<TraceEdge>,
    pub events: Vec<TraceEvent>,
    /// Sites and parties reached, matched to the registry.
    pub places: Vec<Place>,
    /// True when the node limit cut the walk short.
    pub truncated: bool,
}

/// Largest number of objects a trace reaches before it stops (and says so).
pub const MAX_NODES: usize = 200_000;
/// Largest number of starting objects an enterprise trace takes (and says so when cut).
pub const MAX_START: usize = 20_000;

/// A walk with the events it met, before it is laid out as a [`Trace`] or a recall report.
#[derive(Debug)]
pub(crate) struct Traced {
    pub start: Vec<String>,
    pub direction: Direction,
    pub walked: Walked,
    /// Events kept (touching a reached node within its window), by row id.
    pub events: HashMap<i64, EventRow>,
    /// `(event row id, node id, role)` of the kept touches.
    pub touches: Vec<(i64, i64, String)>,
    /// Sources and destinations of kept events: `(event row id, role, identifier)`.
    pub parties: Vec<(i64, String, String)>,
    /// Quantities of traced classes in kept events: `(event row id, class, quantity, uom)`.
    pub quantities: Vec<(i64, ClassQuantity)>,
    /// The places of kept events.
    pub places: HashMap<String, Place>,
    /// eventID aliases of kept events, by row id.
    pub aliases: HashMap<i64, Vec<String>>,
    pub truncated: bool,
}

/// Runs a trace (after [`authorize`]).
pub fn trace(conn: &mut DbConn, start: &Start, direction: Direction) -> Result<Trace> {
    Ok(layout(run(conn, start, direction)?))
}

/// Walks from `start` and gathers the events, parties, quantities and places.
pub(crate) fn run(conn: &mut DbConn, start: &Start, direction: Direction) -> Result<Traced> {
    let (starts, cut) = starting_points(conn, start, direction)?;
    let names: Vec<String> = starts.iter().map(|(_, id, _)| id.clone()).collect();
    let mut walked = walk::walk(conn, starts, direction, MAX_NODES)?;
    walked.truncated |= cut;
    let stored: Vec<i64> = walked.visits.keys().copied().filter(|n| *n > 0).collect();
    let mut events = HashMap::new();
    let mut touches = Vec::new();
    for Touch { node, role, event } in graph::touches(conn, &stored)? {
        let within = walked
            .visits
            .get(&node)
            .is_some_and(|v| v.iter().any(|v| v.window.contains(event.event_time)));
        if within {
            touches.push((event.row_id, node, role));
            events.entry(event.row_id).or_insert(event);
        }
    }
    let rows: Vec<i64> = events.keys().copied().collect();
    let raw = graph::parties(conn, &rows)?;
    let party_nodes: Vec<i64> = raw.iter().map(|(_, _, n)| *n).collect();
    let party_names = nodes::identifiers(conn, &party_nodes)?;
    let parties: Vec<(i64, String, String)> = raw
        .into_iter()
        .filter_map(|(e, role, n)| party_names.get(&n).map(|id| (e, role, id.clone())))
        .collect();
    let quantities = class_quantities(conn, &walked, &touches)?;
    let mut place_ids: Vec<String> = events
        .values()
        .flat_map(|e| [e.biz_location.clone(), e.read_point.clone()])
        .flatten()
        .chain(parties.iter().map(|(_, _, id)| id.clone()))
        .collect();
    place_ids.sort_unstable();
    place_ids.dedup();
    let places = places::resolve(conn, &place_ids)?;
    let aliases = aliases_of_events(conn, &rows)?;
    let truncated = walked.truncated;
    Ok(Traced {
        start: names,
        direction,
        walked,
        events,
        touches,
        parties,
        quantities,
        places,
        aliases,
        truncated,
    })
}

/// The quantities of traced classes in the events that name them (read from the bodies).
fn class_quantities(
    conn: &mut DbConn,
    walked: &Walked,
    touches: &[(i64, i64, String)],
) -> Result<Vec<(i64, ClassQuantity)>> {
    let class_touches: Vec<(i64, &String)> = touches
        .iter()
        .filter(|(_, _, role)| role.ends_with("EPCClass") || role == "epcClass")
        .filter_map(|(e, n, _)| walked.identifiers.get(n).map(|id| (*e, id)))
        .collect();
    let mut rows: Vec<i64> = class_touches.iter().map(|(e, _)| *e).collect();
    rows.sort_unstable();
    rows.dedup();
    let mut out = Vec::new();
    for (row, body) in graph::bodies(conn, &rows)? {
        let event = Event::from_internal_json(&body)
            .map_err(|e| RegistryError::Config(format!("stored event {row} is unreadable: {e}")))?;
        let wanted: HashSet<&String> = class_touches
            .iter()
            .filter(|(e, _)| *e == row)
            .map(|(_, c)| *c)
            .collect();
        for q in event
            .quantity_list
            .iter()
            .chain(&event.child_quantity_list)
            .chain(&event.input_quantity_list)
            .chain(&event.output_quantity_list)
            .filter(|q| wanted.contains(&q.epc_class))
        {
            out.push((
                row,
                ClassQuantity {
                    class: q.epc_class.clone(),
                    quantity: q.quantity,
                    uom: q.uom.clone(),
                },
            ));
        }
    }
    Ok(out)
}

/// The starting nodes and their visits; true when an enterprise's were cut at [`MAX_START`].
fn starting_points(
    conn: &mut DbConn,
    start: &Start,
    direction: Direction,
) -> Result<(Vec<StartPoint>, bool)> {
    let whole = |window| Visit {
        window,
        mode: Mode::Whole,
    };
    match start {
        Start::Object(identifier) => {
            let known = nodes::lookup(conn, std::slice::from_ref(identifier))?;
            let node = match known.get(identifier) {
                Some(id) => *id,
                None if graph::split_lot(identifier)
                    .is_some_and(|_| producer_of(conn, identifier).ok().flatten().is_some()) =>
                {
                    -1
                }
                None => {
                    return Err(RegistryError::NotFound {
                        entity: "identifier (no event or batch names it)",
                    });
                }
            };
            Ok((
                vec![(node, identifier.clone(), whole(Window::ALWAYS))],
                false,
            ))
        }
        Start::Enterprise(id) => access::enterprise_objects(conn, *id, direction, MAX_START),
    }
}

fn reached_as(visits: &[Visit], is_start: bool) -> &'static str {
    if is_start {
        "start"
    } else if visits.iter().any(|v| v.mode == Mode::Whole) {
        "contents"
    } else if visits.iter().any(|v| v.mode == Mode::Material) {
        "material"
    } else {
        "carrier"
    }
}

/// Lays a walk out as nodes, edges, events and places.
fn layout(t: Traced) -> Trace {
    let name = |n: &i64| t.walked.identifiers.get(n).cloned().unwrap_or_default();
    let mut nodes: Vec<TraceNode> = t
        .walked
        .visits
        .iter()
        .map(|(n, visits)| {
            let id = name(n);
            TraceNode {
                kind: object_kind(&id),
                reached_as: reached_as(visits, t.start.contains(&id)).into(),
                windows: visits.iter().map(|v| v.window).collect(),
                id,
            }
        })
        .collect();
    nodes.sort_by(|a, b| a.id.cmp(&b.id));
    let event_id = |row: Option<i64>| {
        row.and_then(|r| t.events.get(&r))
            .and_then(|e| e.event_id.clone())
    };
    let mut edges: Vec<TraceEdge> = t
        .walked
        .steps
        .iter()
        .map(|s| TraceEdge {
            from: name(&s.from),
            to: name(&s.to),
            kind: match s.kind {
                StepKind::Edge(k) => k.as_str().into(),
                StepKind::Input => "input".into(),
            },
            event_row_id: s.event_row_id,
            event_id: event_id(s.event_row_id),
            time: s.valid_from,
            until: s.valid_to,
        })
        .collect();
    let events = trace_events(&t);
    for e in &events {
        for s in &e.sources {
            for d in e.destinations.iter().filter(|d| d.kind == s.kind) {
                edges.push(TraceEdge {
                    from: s.id.clone(),
                    to: d.id.clone(),
                    kind: "ship".into(),
                    event_row_id: Some(e.row_id),
                    event_id: e.event_id.clone(),
                    time: e.event_time,
                    until: None,
                });
            }
        }
    }
    let mut places: Vec<Place> = t.places.values().cloned().collect();
    places.sort_by(|a, b| a.identifier.cmp(&b.identifier));
    Trace {
        direction: t.direction,
        start: t.start.clone(),
        nodes,
        edges,
        events,
        places,
        truncated: t.truncated,
    }
}

/// The kept events, in time order, with their parties, traced objects and quantities.
pub(crate) fn trace_events(t: &Traced) -> Vec<TraceEvent> {
    let mut parties: HashMap<i64, Vec<(&str, &String)>> = HashMap::new();
    for (row, role, id) in &t.parties {
        parties.entry(*row).or_default().push((role, id));
    }
    let mut objects: HashMap<i64, Vec<String>> = HashMap::new();
    for (row, n, _) in &t.touches {
        if let Some(id) = t.walked.identifiers.get(n) {
            objects.entry(*row).or_default().push(id.clone());
        }
    }
    let mut quantities: HashMap<i64, Vec<ClassQuantity>> = HashMap::new();
    for (row, q) in &t.quantities {
        quantities.entry(*row).or_default().push(q.clone());
    }
    let mut events: Vec<TraceEvent> = t
        .events
        .values()
        .map(|e| {
            let party = |prefix: &str| -> Vec<Party> {
                parties
                    .get(&e.row_id)
                    .into_iter()
                    .flatten()
                    .filter_map(|(role, id)| {
                        role.strip_prefix(prefix).map(|kind| Party {
                            kind: kind.to_owned(),
                            id: (*id).clone(),
                        })
                    })
                    .collect()
            };
            let mut objects = objects.remove(&e.row_id).unwrap_or_default();
            objects.sort_unstable();
            objects.dedup();
            TraceEvent {
                row_id: e.row_id,
                event_id: e.event_id.clone(),
                event_id_aliases: t.aliases.get(&e.row_id).cloned().unwrap_or_default(),
                event_type: e.event_type.clone(),
                event_time: e.event_time,
                action: e.action.clone(),
                biz_step: e.biz_step.clone(),
                disposition: e.disposition.clone(),
                read_point: e.read_point.clone(),
                biz_location: e.biz_location.clone(),
                sources: party("source:"),
                destinations: party("destination:"),
                objects,
                quantities: quantities.remove(&e.row_id).unwrap_or_default(),
            }
        })
        .collect();
    events.sort_by_key(|e| (e.event_time, e.row_id));
    events
}

#[cfg(test)]
mod tests;

//! The walk: a breadth-first frontier over the lineage edges, one bounded query per edge
//! direction per level, with containment bounded in time.
//!
//! A node is reached with a time window (when it carried what is traced) and a mode:
//!
//! - **whole** (the starting points, and what was inside a starting container): everything it
//!   held during the window is traced too (downward through containment);
//! - **material** (reached through a transformation, a commission or a filed input): the object
//!   itself is affected (forward: from that moment on; backward: up to it);
//! - **carrier** (a container reached from something inside it): only located during the
//!   overlap of windows; what else it held is not affected (no sideways spread).
//!
//! Forward, a node spreads to the outputs of transformations it entered within its window, to
//! the items of a lot, to the lots filed as made from it, and up to the containers that held it
//! (for the overlap of windows). Backward, the same edges are walked the other way, and up to
//! containers as well (where a thing was is where its container went).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;

use super::graph::{self, EdgeRow};
use super::{Direction, Window};
use crate::db::DbConn;
use crate::error::Result;
use crate::events::lineage::EdgeKind;
use crate::events::nodes;

/// How a node was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Mode {
    Whole,
    Material,
    Carrier,
}

/// One way a node was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Visit {
    pub window: Window,
    pub mode: Mode,
}

/// An edge the walk went along: a stored edge, or a filed batch input (no event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Step {
    pub from: i64,
    pub to: i64,
    pub kind: StepKind,
    pub event_row_id: Option<i64>,
    pub valid_from: NaiveDateTime,
    pub valid_to: Option<NaiveDateTime>,
}

/// What a step stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StepKind {
    Edge(EdgeKind),
    Input,
}

/// A starting point: node id (negative for a lot known only from filings), identifier, visit.
pub(crate) type StartPoint = (i64, String, Visit);

/// What the walk found.
#[derive(Debug, Default)]
pub(crate) struct Walked {
    /// Reached nodes (negative ids: lots known only from filings) and their visits.
    pub visits: HashMap<i64, Vec<Visit>>,
    /// Identifiers of reached nodes.
    pub identifiers: HashMap<i64, String>,
    /// Steps taken, in order (those that reached a node, or reached it in a new window).
    pub steps: Vec<Step>,
    /// Every edge followed, also into a node already reached (containment and lots of items
    /// are read from these).
    pub followed: Vec<Step>,
    /// True when the node limit stopped the walk.
    pub truncated: bool,
}

impl Walked {
    /// Adds a visit unless one already covers it; true when added.
    fn visit(&mut self, node: i64, v: Visit) -> bool {
        let list = self.visits.entry(node).or_default();
        let covered = list.iter().any(|old| {
            old.window.covers(&v.window)
                && (old.mode == v.mode || old.mode == Mode::Whole || v.mode == Mode::Carrier)
        });
        if covered {
            return false;
        }
        list.push(v);
        true
    }
}

/// Local ids for lots known only from filings (no event names them).
struct Virtual {
    next: i64,
    by_identifier: HashMap<String, i64>,
}

/// Walks from `start` (node ids with their visits) in `direction`, reaching at most
/// `max_nodes` nodes.
pub(crate) fn walk(
    conn: &mut DbConn,
    start: Vec<StartPoint>,
    direction: Direction,
    max_nodes: usize,
) -> Result<Walked> {
    let mut walked = Walked::default();
    let mut virtuals = Virtual {
        next: -1,
        by_identifier: HashMap::new(),
    };
    let mut frontier: Vec<(i64, Visit)> = Vec::new();
    for (node, identifier, visit) in start {
        if node < 0 {
            virtuals.by_identifier.insert(identifier.clone(), node);
            virtuals.next = virtuals.next.min(node - 1);
        }
        walked.identifiers.insert(node, identifier);
        if walked.visit(node, visit) {
            frontier.push((node, visit));
        }
    }
    while !frontier.is_empty() {
        if walked.visits.len() > max_nodes {
            walked.truncated = true;
            break;
        }
        let next = level(conn, &mut walked, &mut virtuals, &frontier, direction)?;
        let fresh: Vec<i64> = next
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| *n > 0 && !walked.identifiers.contains_key(n))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        walked.identifiers.extend(nodes::identifiers(conn, &fresh)?);
        frontier = next;
    }
    Ok(walked)
}

/// One level: every edge around the frontier, and the visits it leads to.
fn level(
    conn: &mut DbConn,
    walked: &mut Walked,
    virtuals: &mut Virtual,
    frontier: &[(i64, Visit)],
    direction: Direction,
) -> Result<Vec<(i64, Visit)>> {
    let stored: Vec<i64> = distinct(frontier.iter().filter(|(n, _)| *n > 0).map(|(n, _)| *n));
    let whole: Vec<i64> = distinct(
        frontier
            .iter()
            .filter(|(n, v)| *n > 0 && v.mode == Mode::Whole)
            .map(|(n, _)| *n),
    );
    use EdgeKind::{Aggregate, Commission, Transform};
    let (out_kinds, in_kinds): (&[EdgeKind], &[EdgeKind]) = if direction.is_forward() {
        (&[Transform, Commission, Aggregate], &[])
    } else {
        (&[Aggregate], &[Transform, Commission])
    };
    let mut found: Vec<EdgeRow> = Vec::new();
    for (outgoing, nodes, kinds) in [
        (true, &stored, out_kinds),
        (false, &stored, in_kinds),
        (false, &whole, &[Aggregate][..]),
    ] {
        if !kinds.is_empty() && !nodes.is_empty() {
            found.extend(graph::edges(conn, nodes, outgoing, kinds)?);
        }
    }
    let mut around: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, e) in found.iter().enumerate() {
        around.entry(e.from).or_default().push(i);
        around.entry(e.to).or_default().push(i);
    }
    let mut next = Vec::new();
    for (node, visit) in frontier {
        for edge in around.get(node).into_iter().flatten().map(|i| &found[*i]) {
            if let Some((target, v)) = follow(edge, *node, visit, direction) {
                let step = Step {
                    from: edge.from,
                    to: edge.to,
                    kind: StepKind::Edge(edge.kind),
                    event_row_id: Some(edge.event_row_id),
                    valid_from: edge.valid_from,
                    valid_to: edge.valid_to,
                };
                if walked.visit(target, v) {
                    walked.steps.push(step.clone());
                    next.push((target, v));
                }
                walked.followed.push(step);
            }
        }
    }
    next.extend(filed_inputs(conn, walked, virtuals, frontier, direction)?);
    Ok(next)
}

fn distinct(ids: impl Iterator<Item = i64>) -> Vec<i64> {
    let mut v: Vec<i64> = ids.collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Where `edge` leads from `node` (reached as `visit`), if anywhere.
fn follow(edge: &EdgeRow, node: i64, visit: &Visit, direction: Direction) -> Option<(i64, Visit)> {
    let forward = direction.is_forward();
    let outgoing = edge.from == node;
    let at = edge.valid_from;
    let held = Window {
        from: Some(edge.valid_from),
        to: edge.valid_to,
    };
    match (edge.kind, outgoing, forward) {
        // Through a transformation or into a lot's items, forward: affected from then on.
        (EdgeKind::Transform | EdgeKind::Commission, true, true) => {
            visit.window.contains(at).then_some((
                edge.to,
                Visit {
                    window: Window::from(at),
                    mode: Mode::Material,
                },
            ))
        }
        // Backward: what went into it, up to that moment.
        (EdgeKind::Transform | EdgeKind::Commission, false, false) => {
            visit.window.contains(at).then_some((
                edge.from,
                Visit {
                    window: Window::until(at),
                    mode: Mode::Material,
                },
            ))
        }
        // Up to the container, both ways, for as long as it held this.
        (EdgeKind::Aggregate, true, _) => visit.window.overlap(&held).map(|w| {
            (
                edge.to,
                Visit {
                    window: w,
                    mode: Mode::Carrier,
                },
            )
        }),
        // Down from a traced container to what it held.
        (EdgeKind::Aggregate, false, _) if visit.mode == Mode::Whole => {
            visit.window.overlap(&held).map(|w| {
                let window = if forward {
                    Window::from(w.from.unwrap_or(at))
                } else {
                    Window {
                        from: None,
                        to: w.to,
                    }
                };
                (
                    edge.from,
                    Visit {
                        window,
                        mode: Mode::Whole,
                    },
                )
            })
        }
        _ => None,
    }
}

/// The lots filed as made from (forward) or into (backward) the frontier's lots.
fn filed_inputs(
    conn: &mut DbConn,
    walked: &mut Walked,
    virtuals: &mut Virtual,
    frontier: &[(i64, Visit)],
    direction: Direction,
) -> Result<Vec<(i64, Visit)>> {
    let lots: Vec<String> = frontier
        .iter()
        .filter_map(|(n, _)| walked.identifiers.get(n))
        .filter(|id| graph::split_lot(id).is_some())
        .cloned()
        .collect();
    let forward = direction.is_forward();
    let links = graph::batch_links(conn, &lots, forward)?;
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let targets: Vec<String> = links
        .iter()
        .map(|l| if forward { &l.output } else { &l.input })
        .cloned()
        .collect();
    let known = nodes::lookup(conn, &targets)?;
    let mut next = Vec::new();
    for link in &links {
        let (here, there) = if forward {
            (&link.input, &link.output)
        } else {
            (&link.output, &link.input)
        };
        let at = link.produced.and_hms_opt(0, 0, 0).unwrap_or_default();
        let Some((node, _)) = frontier
            .iter()
            .find(|(n, _)| walked.identifiers.get(n) == Some(here))
        else {
            continue;
        };
        let target = match known.get(there) {
            Some(id) => *id,
            None => *virtuals
                .by_identifier
                .entry(there.clone())
                .or_insert_with(|| {
                    let id = virtuals.next;
                    virtuals.next -= 1;
                    id
                }),
        };
        walked.identifiers.insert(target, there.clone());
        let window = if forward {
            Window::from(at)
        } else {
            Window::until(at)
        };
        let visit = Visit {
            window,
            mode: Mode::Material,
        };
        if walked.visit(target, visit) {
            let (from, to) = if forward {
                (*node, target)
            } else {
                (target, *node)
            };
            walked.steps.push(Step {
                from,
                to,
                kind: StepKind::Input,
                event_row_id: None,
                valid_from: at,
                valid_to: None,
            });
            next.push((target, visit));
        }
    }
    Ok(next)
}

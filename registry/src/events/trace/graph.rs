//! The reads a trace makes: edges around a set of nodes, the lots filed as made from other lots
//! (`batch_inputs`), and the events that touch a set of nodes. Every read is one bounded query
//! per call (chunked on SQLite), on the integer node ids.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::super::body;
use super::super::lineage::EdgeKind;
use crate::db::DbConn;
use crate::error::Result;
use crate::schema::{batch_inputs, batches, epcis_event_nodes, epcis_events, products};

/// Values per `IN (...)` list.
const CHUNK: usize = 5000;

/// A stored lineage edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EdgeRow {
    pub from: i64,
    pub to: i64,
    pub kind: EdgeKind,
    pub event_row_id: i64,
    pub valid_from: NaiveDateTime,
    pub valid_to: Option<NaiveDateTime>,
}

type RawEdge = (i64, i64, String, i64, NaiveDateTime, Option<NaiveDateTime>);

fn to_edge(raw: RawEdge) -> Option<EdgeRow> {
    let (from, to, kind, event_row_id, valid_from, valid_to) = raw;
    Some(EdgeRow {
        from,
        to,
        kind: EdgeKind::parse(&kind)?,
        event_row_id,
        valid_from,
        valid_to,
    })
}

/// Edges leaving `nodes` (`outgoing`) or arriving at them, of the given kinds.
pub(crate) fn edges(
    conn: &mut DbConn,
    nodes: &[i64],
    outgoing: bool,
    kinds: &[EdgeKind],
) -> Result<Vec<EdgeRow>> {
    use crate::schema::lineage_edges::dsl as e;
    let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    let mut out = Vec::new();
    for chunk in nodes.chunks(CHUNK) {
        let columns = (
            e::from_node,
            e::to_node,
            e::kind,
            e::event_row_id,
            e::valid_from,
            e::valid_to,
        );
        let rows: Vec<RawEdge> = if outgoing {
            e::lineage_edges
                .filter(e::from_node.eq_any(chunk))
                .filter(e::kind.eq_any(&kinds))
                .select(columns)
                .load(conn)?
        } else {
            e::lineage_edges
                .filter(e::to_node.eq_any(chunk))
                .filter(e::kind.eq_any(&kinds))
                .select(columns)
                .load(conn)?
        };
        out.extend(rows.into_iter().filter_map(to_edge));
    }
    Ok(out)
}

/// A lot as `https://id.gs1.org/01/{gtin}/10/{lot}` splits: (GTIN-14, lot as filed).
pub(crate) fn split_lot(identifier: &str) -> Option<(String, String)> {
    let rest = identifier.strip_prefix("https://id.gs1.org/01/")?;
    let (gtin, rest) = rest.split_once('/')?;
    let lot = rest.strip_prefix("10/")?;
    if lot.contains('/') {
        return None;
    }
    let bytes = crate::ids::digital_link::uri_unescape(lot, false);
    Some((gtin.to_owned(), String::from_utf8(bytes).ok()?))
}

/// The lot class identifier of a filed batch.
pub(crate) fn lot_identifier(gtin: &str, lot: &str) -> Option<String> {
    super::super::lineage::lot_of_item(&format!("https://id.gs1.org/01/{gtin}/21/0"), lot)
}

/// One `batch_inputs` link, as lot identifiers: input lot, output lot, the output's
/// production date.
pub(crate) struct BatchLink {
    pub input: String,
    pub output: String,
    pub produced: NaiveDate,
}

/// The filed batch links around `lots` (lot identifiers): where each was used (`forward`), or
/// what each was made from.
pub(crate) fn batch_links(
    conn: &mut DbConn,
    lots: &[String],
    forward: bool,
) -> Result<Vec<BatchLink>> {
    let wanted: Vec<(String, String)> = lots.iter().filter_map(|l| split_lot(l)).collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let gtins: Vec<&str> = wanted.iter().map(|(g, _)| g.as_str()).collect();
    let numbers: Vec<&str> = wanted.iter().map(|(_, l)| l.as_str()).collect();
    let known: Vec<(i64, String, String, NaiveDate)> = batches::table
        .inner_join(products::table)
        .filter(products::gtin.eq_any(&gtins))
        .filter(batches::lot.eq_any(&numbers))
        .select((
            batches::id,
            products::gtin,
            batches::lot,
            batches::production_date,
        ))
        .load(conn)?;
    let known: Vec<_> = known
        .into_iter()
        .filter(|(_, g, l, _)| wanted.iter().any(|(wg, wl)| wg == g && wl == l))
        .collect();
    if known.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = known.iter().map(|k| k.0).collect();
    let links: Vec<(i64, i64)> = if forward {
        batch_inputs::table
            .filter(batch_inputs::input_batch_id.eq_any(&ids))
            .select((batch_inputs::input_batch_id, batch_inputs::batch_id))
            .load(conn)?
    } else {
        batch_inputs::table
            .filter(batch_inputs::batch_id.eq_any(&ids))
            .select((batch_inputs::input_batch_id, batch_inputs::batch_id))
            .load(conn)?
    };
    let mut other: Vec<i64> = links
        .iter()
        .map(|(i, o)| if forward { *o } else { *i })
        .collect();
    other.sort_unstable();
    other.dedup();
    let others: Vec<(i64, String, String, NaiveDate)> = batches::table
        .inner_join(products::table)
        .filter(batches::id.eq_any(&other))
        .select((
            batches::id,
            products::gtin,
            batches::lot,
            batches::production_date,
        ))
        .load(conn)?;
    let by_id: HashMap<i64, (Option<String>, NaiveDate)> = known
        .iter()
        .chain(&others)
        .map(|(id, g, l, d)| (*id, (lot_identifier(g, l), *d)))
        .collect();
    Ok(links
        .into_iter()
        .filter_map(|(input, output)| {
            let (Some((Some(i), _)), Some((Some(o), produced))) =
                (by_id.get(&input), by_id.get(&output))
            else {
                return None;
            };
            Some(BatchLink {
                input: i.clone(),
                output: o.clone(),
                produced: *produced,
            })
        })
        .collect())
}

/// An event touching a node: the node, its role, and the event's columns.
#[derive(Debug, Clone)]
pub(crate) struct Touch {
    pub node: i64,
    pub role: String,
    pub event: EventRow,
}

/// The columns of a stored event a trace reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EventRow {
    pub row_id: i64,
    pub event_id: Option<String>,
    pub event_type: String,
    pub event_time: NaiveDateTime,
    pub action: Option<String>,
    pub biz_step: Option<String>,
    pub disposition: Option<String>,
    pub read_point: Option<String>,
    pub biz_location: Option<String>,
}

type RawTouch = (
    i64,
    String,
    i64,
    Option<String>,
    String,
    NaiveDateTime,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Every event that touches one of `nodes`, with the role each node plays in it.
pub(crate) fn touches(conn: &mut DbConn, nodes: &[i64]) -> Result<Vec<Touch>> {
    let mut out = Vec::new();
    for chunk in nodes.chunks(CHUNK) {
        let rows: Vec<RawTouch> = epcis_event_nodes::table
            .inner_join(epcis_events::table)
            .filter(epcis_event_nodes::node_id.eq_any(chunk))
            .select((
                epcis_event_nodes::node_id,
                epcis_event_nodes::role,
                epcis_events::id,
                epcis_events::event_id,
                epcis_events::event_type,
                epcis_events::event_time,
                epcis_events::action,
                epcis_events::biz_step,
                epcis_events::disposition,
                epcis_events::read_point,
                epcis_events::biz_location,
            ))
            .load(conn)?;
        out.extend(rows.into_iter().map(
            |(node, role, row_id, event_id, event_type, event_time, action, step, disp, rp, bl)| {
                Touch {
                    node,
                    role,
                    event: EventRow {
                        row_id,
                        event_id,
                        event_type,
                        event_time,
                        action,
                        biz_step: step,
                        disposition: disp,
                        read_point: rp,
                        biz_location: bl,
                    },
                }
            },
        ));
    }
    Ok(out)
}

/// The sources and destinations of events: `(event row id, role, node id)`, roles
/// `source:{type}` and `destination:{type}`.
pub(crate) fn parties(conn: &mut DbConn, events: &[i64]) -> Result<Vec<(i64, String, i64)>> {
    let mut out = Vec::new();
    for chunk in events.chunks(CHUNK) {
        let rows: Vec<(i64, String, i64)> = epcis_event_nodes::table
            .filter(epcis_event_nodes::event_row_id.eq_any(chunk))
            .filter(
                epcis_event_nodes::role
                    .like("source:%")
                    .or(epcis_event_nodes::role.like("destination:%")),
            )
            .select((
                epcis_event_nodes::event_row_id,
                epcis_event_nodes::role,
                epcis_event_nodes::node_id,
            ))
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// The stored bodies (internal JSON) of events.
pub(crate) fn bodies(conn: &mut DbConn, events: &[i64]) -> Result<Vec<(i64, String)>> {
    let mut out = Vec::new();
    for chunk in events.chunks(CHUNK) {
        let rows: Vec<(i64, String, Option<Vec<u8>>)> = epcis_events::table
            .filter(epcis_events::id.eq_any(chunk))
            .select((
                epcis_events::id,
                epcis_events::body,
                epcis_events::body_zstd,
            ))
            .load(conn)?;
        for (id, text, packed) in rows {
            out.push((id, body::unpack(text, packed)?));
        }
    }
    Ok(out)
}

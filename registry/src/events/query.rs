//! The simple event query: filters on the stored columns and the identifier index, ordered by
//! event time (or record time, `orderBy`), then row id, either way (`orderDirection`), paged by
//! an opaque token.
//!
//! Filters the columns cannot answer (quantities, sensor reports, error declarations,
//! extensions: [`super::filter`]) are evaluated on the decoded body of each row the column
//! filters let through, in order, in batches of [`SCAN_BATCH`]. A page reads at most
//! [`SCAN_BUDGET`] rows: when that many were read without filling the page, the page is
//! answered as it is (possibly empty) with a token to continue after the last row read, so
//! that no request scans without bound. `eventCountLimit` caps the whole result (the token
//! carries how many events earlier pages served); [`exceeds`] answers `maxEventCount`.
//!
//! An EPC pattern (`urn:epc:idpat:...`) of a `MATCH_` parameter becomes a canonical prefix, read
//! on `lineage_nodes.identifier`: on PostgreSQL as `LIKE 'prefix%'`, which its `text_pattern_ops`
//! index serves; on SQLite as the equivalent byte range, since SQLite's `LIKE` folds case and uses
//! no index.

use chrono::{DateTime, NaiveDateTime};
use diesel::prelude::*;

use super::body;
use crate::db::{DbConn, like_escape, prefix_end};
use crate::epcis::Event;
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::schema::{
    capture_jobs, epcis_event_aliases, epcis_event_nodes, epcis_events, lineage_nodes,
};

/// An identifier filter: events with one of `ids` in one of `roles` ([`super::role_name`]).
#[derive(Debug, Clone, Default)]
pub struct IdMatch {
    /// Roles (`epc`, `childEPC`, ...).
    pub roles: Vec<String>,
    /// Canonical identifiers.
    pub ids: Vec<String>,
    /// The canonical prefix of an EPC pattern (`urn:epc:idpat:sgtin:0614141.107346.*` is
    /// `https://id.gs1.org/01/10614141073464`): identifiers that start with it match too.
    pub pattern: Option<String>,
}

/// What to look for. Empty lists and `None` do not filter; every filter given must hold.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    /// Event type names.
    pub event_types: Vec<String>,
    /// `eventID`s: a stored event's, or an alias of it ([`super::aliases`]).
    pub event_ids: Vec<String>,
    /// `eventTime >=` (UTC).
    pub ge_event_time: Option<NaiveDateTime>,
    /// `eventTime <` (UTC).
    pub lt_event_time: Option<NaiveDateTime>,
    /// `recordTime >=` (UTC).
    pub ge_record_time: Option<NaiveDateTime>,
    /// `recordTime <` (UTC).
    pub lt_record_time: Option<NaiveDateTime>,
    /// `ADD`, `OBSERVE`, `DELETE`.
    pub actions: Vec<String>,
    /// Canonical business steps.
    pub biz_steps: Vec<String>,
    /// Canonical dispositions.
    pub dispositions: Vec<String>,
    /// Canonical read point ids.
    pub read_points: Vec<String>,
    /// Canonical business location ids.
    pub biz_locations: Vec<String>,
    /// Identifier filters.
    pub matches: Vec<IdMatch>,
    /// Only events captured by this enterprise's users.
    pub captured_by_enterprise: Option<i64>,
    /// Only events stored by these capture jobs (a subscription's new captures).
    pub capture_jobs: Vec<i64>,
    /// Only events this scope reads ([`super::policy::read_scope`]).
    pub scope: Option<super::policy::ReadScope>,
    /// Filters evaluated on the decoded body (see the module documentation).
    pub body_filters: Vec<super::filter::BodyFilter>,
    /// The order of the results.
    pub order: Order,
    /// At most this many events in the whole result (`eventCountLimit`).
    pub count_limit: Option<i64>,
    /// Continue after this position.
    pub after: Option<PageToken>,
    /// Page size.
    pub limit: i64,
}

/// The order of a query's results (`orderBy`, `orderDirection`); then by row id, the same way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Order {
    /// By record time rather than event time.
    pub by_record_time: bool,
    /// Latest first.
    pub descending: bool,
}

/// Rows whose bodies are read per round when body filters apply.
pub const SCAN_BATCH: i64 = 500;
/// Rows a page reads at most when body filters apply.
pub const SCAN_BUDGET: usize = 10_000;
/// Events [`exceeds`] counts at most before it calls a result too large.
pub const COUNT_BUDGET: i64 = 100_000;
/// Pages [`exceeds`] reads at most before it calls a result too large.
pub const COUNT_PAGES: i64 = 20;

/// A position in the result order: the ordering time (event time, or record time when the
/// query orders by it; UTC, microseconds) and row id of the last row read, and the events served
/// so far (for `eventCountLimit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageToken {
    /// Ordering time of the last row read.
    pub event_time: NaiveDateTime,
    /// Its row id.
    pub id: i64,
    /// Events served by the pages before.
    pub served: i64,
}

impl PageToken {
    /// The opaque form: hex of `micros.id.served`.
    pub fn encode(&self) -> String {
        hex::encode(format!(
            "{}.{}.{}",
            self.event_time.and_utc().timestamp_micros(),
            self.id,
            self.served
        ))
    }

    /// Reads [`PageToken::encode`]'s form.
    pub fn decode(token: &str) -> Result<Self> {
        let bad = || {
            RegistryError::invalid(
                Code::InvalidPageToken,
                "nextPageToken",
                "not a token of this hub",
            )
        };
        let bytes = hex::decode(token).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let mut parts = text.split('.');
        let mut number =
            || -> Result<i64> { parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad) };
        let micros = number()?;
        let id = number()?;
        // Tokens of before eventCountLimit have two parts.
        let served = number().unwrap_or(0);
        let event_time = DateTime::from_timestamp_micros(micros)
            .ok_or_else(bad)?
            .naive_utc();
        Ok(PageToken {
            event_time,
            id,
            served,
        })
    }
}

/// A stored event.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    /// Row id.
    pub row_id: i64,
    /// The event.
    pub event: Event,
}

/// One page of results.
#[derive(Debug, Clone)]
pub struct EventPage {
    /// The events, in order.
    pub events: Vec<StoredEvent>,
    /// Where the next page starts, when there is one.
    pub next: Option<PageToken>,
}

type Row = (i64, NaiveDateTime, NaiveDateTime, String, Option<Vec<u8>>);
type Boxed<'a> = super::policy::EventsQuery<'a>;

/// Runs `q`: one page.
pub fn query_events(conn: &mut DbConn, q: &EventQuery) -> Result<EventPage> {
    let served = q.after.map_or(0, |a| a.served);
    let mut limit = q.limit.max(1);
    if let Some(cap) = q.count_limit {
        limit = limit.min(cap - served);
        if limit <= 0 {
            return Ok(EventPage {
                events: Vec::new(),
                next: None,
            });
        }
    }
    let want = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut events = Vec::with_capacity(want.min(1000));
    let mut scanned = 0usize;
    // The last row read: the next page starts after it.
    let mut last = q.after;
    let mut more = false;
    let batch = if q.body_filters.is_empty() {
        limit + 1
    } else {
        SCAN_BATCH
    };
    'scan: loop {
        let rows: Vec<Row> = filtered(conn, q, last).limit(batch).load(conn)?;
        let exhausted = rows.len() < usize::try_from(batch).unwrap_or(usize::MAX);
        for (row_id, event_time, record_time, text, packed) in rows {
            if events.len() == want && q.body_filters.is_empty() {
                more = true;
                break 'scan;
            }
            let position = PageToken {
                event_time: if q.order.by_record_time {
                    record_time
                } else {
                    event_time
                },
                id: row_id,
                served: 0,
            };
            let event = Event::from_internal_json(&body::unpack(text, packed)?).map_err(|e| {
                RegistryError::Config(format!("stored event {row_id} is unreadable: {e}"))
            })?;
            if q.body_filters.iter().all(|f| f.holds(&event)) {
                if events.len() == want {
                    // One more matches: it starts the next page.
                    more = true;
                    break 'scan;
                }
                events.push(StoredEvent { row_id, event });
            }
            last = Some(position);
            scanned += 1;
        }
        if exhausted {
            break;
        }
        if scanned >= SCAN_BUDGET {
            more = true;
            break;
        }
    }
    let served = served + i64::try_from(events.len()).unwrap_or(i64::MAX);
    let capped = q.count_limit.is_some_and(|cap| served >= cap);
    let next = match last {
        Some(p) if more && !capped => Some(PageToken { served, ..p }),
        _ => None,
    };
    Ok(EventPage { events, next })
}

/// True when `q` (from its start, ignoring its page) matches more than `max` events. A result
/// that cannot be counted within [`COUNT_BUDGET`] events, or within [`COUNT_PAGES`] pages (with
/// body filters, each reads at most [`SCAN_BUDGET`] rows), counts as too large.
pub fn exceeds(conn: &mut DbConn, q: &EventQuery, max: i64) -> Result<bool> {
    let mut q = q.clone();
    q.after = None;
    q.count_limit = None;
    q.limit = COUNT_BUDGET / COUNT_PAGES;
    let mut counted = 0i64;
    for _ in 0..COUNT_PAGES {
        let page = query_events(conn, &q)?;
        counted += i64::try_from(page.events.len()).unwrap_or(i64::MAX);
        if counted > max || counted > COUNT_BUDGET {
            return Ok(true);
        }
        match page.next {
            None => return Ok(false),
            Some(next) => q.after = Some(next),
        }
    }
    Ok(true)
}

/// The rows of `q`'s column filters, in its order, after `after`.
fn filtered<'a>(conn: &DbConn, q: &'a EventQuery, after: Option<PageToken>) -> Boxed<'a> {
    let mut query = columns(conn, q);
    if let Some(scope) = &q.scope {
        query = super::policy::narrow(query, scope);
    }
    query = match (q.order.by_record_time, q.order.descending) {
        (false, false) => query.order((epcis_events::event_time, epcis_events::id)),
        (false, true) => query.order((epcis_events::event_time.desc(), epcis_events::id.desc())),
        (true, false) => query.order((epcis_events::record_time, epcis_events::id)),
        (true, true) => query.order((epcis_events::record_time.desc(), epcis_events::id.desc())),
    };
    if let Some(a) = after {
        let (t, id) = (a.event_time, a.id);
        query = match (q.order.by_record_time, q.order.descending) {
            (false, false) => query.filter(
                epcis_events::event_time
                    .gt(t)
                    .or(epcis_events::event_time.eq(t).and(epcis_events::id.gt(id))),
            ),
            (false, true) => query.filter(
                epcis_events::event_time
                    .lt(t)
                    .or(epcis_events::event_time.eq(t).and(epcis_events::id.lt(id))),
            ),
            (true, false) => query.filter(
                epcis_events::record_time
                    .gt(t)
                    .or(epcis_events::record_time.eq(t).and(epcis_events::id.gt(id))),
            ),
            (true, true) => query.filter(
                epcis_events::record_time
                    .lt(t)
                    .or(epcis_events::record_time.eq(t).and(epcis_events::id.lt(id))),
            ),
        };
    }
    query
}

/// `q`'s filters on the stored columns and the identifier index.
fn columns<'a>(conn: &DbConn, q: &'a EventQuery) -> Boxed<'a> {
    let mut query = epcis_events::table
        .select((
            epcis_events::id,
            epcis_events::event_time,
            epcis_events::record_time,
            epcis_events::body,
            epcis_events::body_zstd,
        ))
        .into_boxed();
    if !q.event_types.is_empty() {
        query = query.filter(epcis_events::event_type.eq_any(q.event_types.clone()));
    }
    if !q.event_ids.is_empty() {
        // An eventID is a stored event's or an alias of one (`super::aliases`).
        let aliased = epcis_event_aliases::table
            .filter(epcis_event_aliases::event_id.eq_any(q.event_ids.clone()))
            .select(epcis_event_aliases::event_row_id);
        query = query.filter(
            epcis_events::event_id
                .eq_any(q.event_ids.clone())
                .or(epcis_events::id.eq_any(aliased).nullable()),
        );
    }
    if let Some(t) = q.ge_event_time {
        query = query.filter(epcis_events::event_time.ge(t));
    }
    if let Some(t) = q.lt_event_time {
        query = query.filter(epcis_events::event_time.lt(t));
    }
    if let Some(t) = q.ge_record_time {
        query = query.filter(epcis_events::record_time.ge(t));
    }
    if let Some(t) = q.lt_record_time {
        query = query.filter(epcis_events::record_time.lt(t));
    }
    if !q.capture_jobs.is_empty() {
        query = query.filter(epcis_events::capture_job_id.eq_any(q.capture_jobs.clone()));
    }
    if !q.actions.is_empty() {
        query = query.filter(epcis_events::action.eq_any(q.actions.clone()));
    }
    if !q.biz_steps.is_empty() {
        query = query.filter(epcis_events::biz_step.eq_any(q.biz_steps.clone()));
    }
    if !q.dispositions.is_empty() {
        query = query.filter(epcis_events::disposition.eq_any(q.dispositions.clone()));
    }
    // Places through the identifier index: the events at a site are found from the site, not
    // by walking every event in time order until a page is full (which, for a site with no
    // events in the reader's scope, walked them all).
    for (role, places) in [
        ("readPoint", &q.read_points),
        ("bizLocation", &q.biz_locations),
    ] {
        if places.is_empty() {
            continue;
        }
        let named = lineage_nodes::table
            .filter(lineage_nodes::identifier.eq_any(places.clone()))
            .select(lineage_nodes::id);
        let rows = epcis_event_nodes::table
            .filter(epcis_event_nodes::role.eq(role))
            .filter(epcis_event_nodes::node_id.eq_any(named))
            .select(epcis_event_nodes::event_row_id);
        query = query.filter(epcis_events::id.eq_any(rows));
    }
    let postgres = matches!(conn, DbConn::Pg(_));
    for m in &q.matches {
        let named = lineage_nodes::table
            .filter(lineage_nodes::identifier.eq_any(m.ids.clone()))
            .select(lineage_nodes::id);
        let rows = epcis_event_nodes::table
            .filter(epcis_event_nodes::role.eq_any(m.roles.clone()))
            .filter(epcis_event_nodes::node_id.eq_any(named))
            .select(epcis_event_nodes::event_row_id);
        query = match &m.pattern {
            None => query.filter(epcis_events::id.eq_any(rows)),
            Some(p) => {
                let in_roles = epcis_event_nodes::table
                    .filter(epcis_event_nodes::role.eq_any(m.roles.clone()))
                    .select(epcis_event_nodes::event_row_id);
                // PostgreSQL answers LIKE 'prefix%' from the text_pattern_ops index; SQLite's
                // LIKE ignores case and cannot use its index, so it gets the equivalent range.
                if postgres {
                    let matching = lineage_nodes::table
                        .filter(
                            lineage_nodes::identifier
                                .like(format!("{}%", like_escape(p)))
                                .escape('\\'),
                        )
                        .select(lineage_nodes::id);
                    query.filter(
                        epcis_events::id.eq_any(rows).or(epcis_events::id
                            .eq_any(in_roles.filter(epcis_event_nodes::node_id.eq_any(matching)))),
                    )
                } else {
                    let matching = lineage_nodes::table
                        .filter(lineage_nodes::identifier.ge(p.clone()))
                        .filter(lineage_nodes::identifier.lt(prefix_end(p)))
                        .select(lineage_nodes::id);
                    query.filter(
                        epcis_events::id.eq_any(rows).or(epcis_events::id
                            .eq_any(in_roles.filter(epcis_event_nodes::node_id.eq_any(matching)))),
                    )
                }
            }
        };
    }
    if let Some(ent) = q.captured_by_enterprise {
        let jobs = capture_jobs::table
            .filter(capture_jobs::enterprise_id.eq(ent))
            .select(capture_jobs::id);
        query = query.filter(epcis_events::capture_job_id.eq_any(jobs));
    }
    query
}

//! The simple event query: filters on the stored columns and the identifier index, ordered by
//! event time then row id, paged by an opaque token.
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
    /// Only events this scope reads ([`super::policy::read_scope`]).
    pub scope: Option<super::policy::ReadScope>,
    /// Continue after this position.
    pub after: Option<PageToken>,
    /// Page size.
    pub limit: i64,
}

/// A position in the result order: event time (UTC, microseconds) and row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageToken {
    /// Event time of the last row returned.
    pub event_time: NaiveDateTime,
    /// Its row id.
    pub id: i64,
}

impl PageToken {
    /// The opaque form: hex of `micros.id`.
    pub fn encode(&self) -> String {
        hex::encode(format!(
            "{}.{}",
            self.event_time.and_utc().timestamp_micros(),
            self.id
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
        let (micros, id) = text.split_once('.').ok_or_else(bad)?;
        let micros: i64 = micros.parse().map_err(|_| bad())?;
        let id: i64 = id.parse().map_err(|_| bad())?;
        let event_time = DateTime::from_timestamp_micros(micros)
            .ok_or_else(bad)?
            .naive_utc();
        Ok(PageToken { event_time, id })
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

/// Runs `q`.
pub fn query_events(conn: &mut DbConn, q: &EventQuery) -> Result<EventPage> {
    let mut query = epcis_events::table
        .select((
            epcis_events::id,
            epcis_events::event_time,
            epcis_events::body,
            epcis_events::body_zstd,
        ))
        .order((epcis_events::event_time, epcis_events::id))
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
    if !q.actions.is_empty() {
        query = query.filter(epcis_events::action.eq_any(q.actions.clone()));
    }
    if !q.biz_steps.is_empty() {
        query = query.filter(epcis_events::biz_step.eq_any(q.biz_steps.clone()));
    }
    if !q.dispositions.is_empty() {
        query = query.filter(epcis_events::disposition.eq_any(q.dispositions.clone()));
    }
    if !q.read_points.is_empty() {
        query = query.filter(epcis_events::read_point.eq_any(q.read_points.clone()));
    }
    if !q.biz_locations.is_empty() {
        query = query.filter(epcis_events::biz_location.eq_any(q.biz_locations.clone()));
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
    if let Some(scope) = &q.scope {
        query = super::policy::narrow(query, scope);
    }
    if let Some(after) = q.after {
        query = query.filter(
            epcis_events::event_time
                .gt(after.event_time)
                .or(epcis_events::event_time
                    .eq(after.event_time)
                    .and(epcis_events::id.gt(after.id))),
        );
    }
    let limit = q.limit.max(1);
    let rows: Vec<(i64, NaiveDateTime, String, Option<Vec<u8>>)> =
        query.limit(limit + 1).load(conn)?;
    let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    let mut events = Vec::with_capacity(rows.len());
    let mut next = None;
    for (row_id, event_time, text, packed) in
        rows.into_iter().take(usize::try_from(limit).unwrap_or(0))
    {
        let event = Event::from_internal_json(&body::unpack(text, packed)?).map_err(|e| {
            RegistryError::Config(format!("stored event {row_id} is unreadable: {e}"))
        })?;
        next = Some(PageToken {
            event_time,
            id: row_id,
        });
        events.push(StoredEvent { row_id, event });
    }
    Ok(EventPage {
        events,
        next: if more { next } else { None },
    })
}

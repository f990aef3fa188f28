//! Capture: a parsed document's events into the database in one go, duplicates skipped, with
//! their identifiers, lineage edges and a capture job.
//!
//! Capture is synchronous, in two steps. [`prepare`], outside any transaction (so that SQLite's
//! single write turn holds only database work), sets each event's `recordTime` to when the hub
//! received it, computes the GS1 event hashes, compresses the bodies ([`super::body`]), derives
//! each event's identifiers and lineage edges, and drops repeats within the document. [`capture`],
//! in the caller's transaction, skips the events already stored, inserts the capture job, then
//! writes the rest in rounds of 2,000 events: row ids allocated first (PostgreSQL: `nextval` for
//! the whole round; SQLite: after the largest id ever used, under its single writer), then events
//! (in hash order, so that the unique hash index fills in key order), identifier rows and lineage
//! edges, with `COPY ... BINARY` on PostgreSQL and multi-row `INSERT`s on SQLite.
//!
//! Before it, in the same transaction, `super::policy::capture_checked` holds the document to the
//! capture policy; after it the caller (`hub::ops::epcis`) appends the one audit row. A refused
//! document writes nothing; a capture that lost a race to a concurrent one is retried with the
//! same prepared events.

use std::collections::HashSet;
use std::time::Instant;

use chrono::{NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use serde::Serialize;

use super::aliases::{Candidate, Duplicate, join_duplicates, known_aliases};
use super::profile::{Stage, lap};
use super::{body, event_company_prefix, lineage, nodes, role_name};
use crate::blacklist::filing_flag;
use crate::db::DbConn;
use crate::epcis::{Event, event_hash};
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::schema::{capture_jobs, epcis_event_nodes, epcis_events};

/// A capture job: what one capture request did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = capture_jobs)]
pub struct CaptureJob {
    /// The job id (`/epcis/capture/{id}`).
    pub id: i64,
    /// When the capture was received (UTC).
    #[serde(with = "crate::time::as_rfc3339")]
    pub created_at: NaiveDateTime,
    /// The user who captured.
    pub created_by: Option<i64>,
    /// That user's enterprise, if any.
    pub enterprise_id: Option<i64>,
    /// `xml` or `json`.
    pub format: String,
    /// `succeeded` (capture is synchronous: a refused document leaves no job).
    pub status: String,
    /// Events in the document.
    pub event_count: i64,
    /// Events stored.
    pub stored_count: i64,
    /// Events skipped as already stored (same event hash or eventID).
    pub duplicate_count: i64,
    /// What went wrong, for a failed job.
    pub error: Option<String>,
    /// When the job finished (UTC).
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub finished_at: Option<NaiveDateTime>,
    /// `blacklisted` when captured by an enterprise on the blacklist.
    pub flagged: Option<String>,
}

/// Who captures, and from what.
#[derive(Debug, Clone)]
pub struct CaptureMeta {
    /// The capturing user.
    pub created_by: Option<i64>,
    /// Their enterprise.
    pub enterprise_id: Option<i64>,
    /// `xml` or `json`.
    pub format: &'static str,
}

/// Events written per round (ids allocated, nodes interned, rows copied).
const EVENT_CHUNK: usize = 2000;
/// Event rows per insert statement on SQLite (16 bind values each; it allows 32766).
const SQLITE_EVENT_ROWS: usize = 1000;
/// Identifier rows per insert statement on SQLite (4 bind values each).
const SQLITE_ID_ROWS: usize = 5000;
/// Values per `IN (...)` list when looking for duplicates.
const LOOKUP_CHUNK: usize = 1000;

/// A document's events made ready to store, outside any transaction (on SQLite, whose writers
/// take turns, only the database work then holds the turn): each event's record time set, its
/// GS1 event hash taken, repeats within the document dropped, its body compressed and its
/// identifiers and lineage edges derived.
#[derive(Debug)]
pub struct PreparedEvents {
    /// Every event of the document, in order (what the capture policy checks).
    events: Vec<Event>,
    /// The events to store unless already stored: the first of each hash and eventID.
    fresh: Vec<Prepared>,
    /// When the hub received them: their recordTime.
    received: NaiveDateTime,
    /// The GS1 event hash of every event, and whether it declares an error, in order.
    hashes: Vec<(String, bool)>,
}

#[derive(Debug)]
struct Prepared {
    /// Position in [`PreparedEvents::events`].
    index: usize,
    hash: String,
    declares_error: bool,
    /// The compressed internal JSON ([`body::pack`]).
    body: Vec<u8>,
    company_prefix: String,
    /// Distinct `(role, identifier)` pairs for `epcis_event_nodes`.
    roles: Vec<(String, String)>,
    edges: Vec<lineage::Edge>,
    closing: Option<lineage::Closing>,
}

impl PreparedEvents {
    /// Every event of the document, in order, with its record time set.
    pub fn events(&self) -> &[Event] {
        &self.events
    }
}

/// Prepares `events` (already parsed and validated) for [`capture`]; CPU only.
///
/// Each event's `recordTime` is set to `received` (EPCIS: the repository records it). A repeat within
/// `events` (same GS1 event hash, or same `eventID`; the same for an error declaration among
/// error declarations) is dropped.
pub fn prepare(mut events: Vec<Event>, received: NaiveDateTime) -> Result<PreparedEvents> {
    let t = Instant::now();
    let record_time = Utc.from_utc_datetime(&received).fixed_offset();
    let mut seen_hash: HashSet<(String, bool)> = HashSet::new();
    let mut seen_id: HashSet<(String, bool)> = HashSet::new();
    let mut firsts = Vec::with_capacity(events.len());
    let mut hashes = Vec::with_capacity(events.len());
    for (index, event) in events.iter_mut().enumerate() {
        event.record_time = Some(record_time);
        let declares_error = event.error_declaration.is_some();
        let hash = event_hash(event);
        hashes.push((hash.clone(), declares_error));
        let id_new = event
            .event_id
            .as_ref()
            .is_none_or(|id| seen_id.insert((id.clone(), declares_error)));
        if seen_hash.insert((hash.clone(), declares_error)) && id_new {
            firsts.push((index, hash, declares_error));
        }
    }
    let t = lap(Stage::Hash, t);
    let packed = firsts
        .iter()
        .map(|(index, _, _)| body::pack(&events[*index].to_internal_json()))
        .collect::<Result<Vec<Vec<u8>>>>()?;
    let t = lap(Stage::Rows, t);
    let fresh = firsts
        .into_iter()
        .zip(packed)
        .map(|((index, hash, declares_error), body)| {
            let e = &events[index];
            let mut seen = HashSet::new();
            let mut roles: Vec<(String, String)> = Vec::new();
            for r in e.identifiers() {
                let role = role_name(r.role);
                if seen.insert((role.clone(), r.id)) {
                    roles.push((role, r.id.to_owned()));
                }
            }
            let (edges, closing) = lineage::edges_of(e);
            Prepared {
                index,
                hash,
                declares_error,
                body,
                company_prefix: event_company_prefix(e),
                roles,
                edges,
                closing,
            }
        })
        .collect();
    lap(Stage::Derive, t);
    Ok(PreparedEvents {
        events,
        fresh,
        received,
        hashes,
    })
}

/// Stores prepared events and a capture job, in the caller's transaction. An event already
/// stored (same GS1 event hash, or same `eventID`; the same for an error declaration among
/// error declarations) is skipped. Nothing is consumed: a transaction that failed on a race
/// with a concurrent capture can be retried with the same `prepared`.
pub fn capture(
    conn: &mut DbConn,
    prepared: &PreparedEvents,
    meta: &CaptureMeta,
) -> Result<CaptureJob> {
    capture_joined(conn, prepared, meta).map(|(job, _)| job)
}

/// [`capture`], and the stored event each skipped event joined ([`aliases`]): a duplicate with
/// the same event hash and another eventID leaves that eventID as an alias of the stored event.
pub fn capture_joined(
    conn: &mut DbConn,
    prepared: &PreparedEvents,
    meta: &CaptureMeta,
) -> Result<(CaptureJob, Vec<Duplicate>)> {
    let t = Instant::now();
    let now = prepared.received;
    let total = prepared.events.len();
    let (known_hashes, known_ids) = already_stored(conn, prepared)?;
    let t = lap(Stage::Duplicates, t);
    let fresh: Vec<&Prepared> = prepared
        .fresh
        .iter()
        .filter(|p| {
            !known_hashes.contains(&(p.hash.clone(), p.declares_error))
                && !prepared.events[p.index]
                    .event_id
                    .as_ref()
                    .is_some_and(|id| known_ids.contains(&(id.clone(), p.declares_error)))
        })
        .collect();
    let stored = fresh.len();
    let flagged = match meta.enterprise_id {
        Some(enterprise) => filing_flag(conn, enterprise)?,
        None => None,
    };
    let job_id: i64 = diesel::insert_into(capture_jobs::table)
        .values((
            capture_jobs::created_at.eq(now),
            capture_jobs::created_by.eq(meta.created_by),
            capture_jobs::enterprise_id.eq(meta.enterprise_id),
            capture_jobs::format.eq(meta.format),
            capture_jobs::status.eq("succeeded"),
            capture_jobs::event_count.eq(count(total)),
            capture_jobs::stored_count.eq(count(stored)),
            capture_jobs::duplicate_count.eq(count(total - stored)),
            capture_jobs::finished_at.eq(now),
            capture_jobs::flagged.eq(flagged),
        ))
        .returning(capture_jobs::id)
        .get_result(conn)?;
    lap(Stage::Job, t);
    for chunk in fresh.chunks(EVENT_CHUNK) {
        insert_events(conn, &prepared.events, chunk, job_id, now)?;
    }
    if stored > 0 {
        super::subscriptions::note_capture(conn, now, job_id)?;
    }
    let written: HashSet<usize> = fresh.iter().map(|p| p.index).collect();
    let dups: Vec<Candidate<'_>> = prepared
        .hashes
        .iter()
        .enumerate()
        .filter(|(index, _)| !written.contains(index))
        .map(|(index, (hash, declares_error))| Candidate {
            index,
            event_id: prepared.events[index].event_id.as_deref(),
            hash,
            declares_error: *declares_error,
        })
        .collect();
    let duplicates = join_duplicates(conn, job_id, &dups)?;
    Ok((find_job(conn, job_id)?, duplicates))
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

type Known = HashSet<(String, bool)>;

fn already_stored(conn: &mut DbConn, prepared: &PreparedEvents) -> Result<(Known, Known)> {
    let mut hashes = HashSet::new();
    let mut ids = HashSet::new();
    for chunk in prepared.fresh.chunks(LOOKUP_CHUNK) {
        let wanted: Vec<&str> = chunk.iter().map(|p| p.hash.as_str()).collect();
        let found: Vec<(String, bool)> = epcis_events::table
            .filter(epcis_events::event_hash.eq_any(wanted))
            .select((epcis_events::event_hash, epcis_events::declares_error))
            .load(conn)?;
        hashes.extend(found);
        let wanted: Vec<&str> = chunk
            .iter()
            .filter_map(|p| prepared.events[p.index].event_id.as_deref())
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let found: Vec<(Option<String>, bool)> = epcis_events::table
            .filter(epcis_events::event_id.eq_any(&wanted))
            .select((epcis_events::event_id, epcis_events::declares_error))
            .load(conn)?;
        ids.extend(found.into_iter().filter_map(|(id, d)| id.map(|id| (id, d))));
        // An alias is taken like a stored eventID (error declarations carry the eventID they
        // correct, so only plain events are held to it).
        ids.extend(
            known_aliases(conn, &wanted)?
                .into_iter()
                .map(|id| (id, false)),
        );
    }
    Ok((hashes, ids))
}

#[derive(QueryableByName)]
struct AllocatedId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// `n` fresh row ids for `epcis_events`, so that rows can be copied in without `RETURNING`:
/// from the sequence on PostgreSQL, after the largest id ever used on SQLite (whose write
/// transactions take turns).
fn allocate_event_ids(conn: &mut DbConn, n: usize) -> Result<Vec<i64>> {
    match conn {
        DbConn::Pg(pg) => {
            let rows: Vec<AllocatedId> = diesel::sql_query(
                "SELECT nextval(pg_get_serial_sequence('epcis_events', 'id')) AS id \
                 FROM generate_series(1, $1)",
            )
            .bind::<BigInt, _>(count(n))
            .load(pg)?;
            Ok(rows.into_iter().map(|r| r.id).collect())
        }
        DbConn::Sqlite(lite) => {
            let last: AllocatedId = diesel::sql_query(
                "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'epcis_events'), 0), \
                 COALESCE((SELECT MAX(id) FROM epcis_events), 0)) AS id",
            )
            .get_result(lite)?;
            Ok((1..=count(n)).map(|i| last.id + i).collect())
        }
    }
}

fn insert_events(
    conn: &mut DbConn,
    events: &[Event],
    chunk: &[&Prepared],
    job_id: i64,
    now: NaiveDateTime,
) -> Result<()> {
    let t = Instant::now();
    let ids = allocate_event_ids(conn, chunk.len())?;
    let t = lap(Stage::Ids, t);
    if ids.len() != chunk.len() {
        return Err(RegistryError::conflict(
            Code::CaptureRace,
            "event ids could not be allocated",
        ));
    }
    // Rows go in by event hash (ids stay in document order): the unique hash index, whose keys
    // are random, then takes them in key order, a page at a time.
    let mut order: Vec<usize> = (0..chunk.len()).collect();
    order.sort_unstable_by(|a, b| chunk[*a].hash.cmp(&chunk[*b].hash));
    let rows: Vec<_> = order
        .iter()
        .map(|i| (chunk[*i], ids[*i]))
        .map(|(p, id)| {
            let e = &events[p.index];
            (
                epcis_events::id.eq(id),
                epcis_events::event_id.eq(e.event_id.as_deref()),
                epcis_events::event_hash.eq(p.hash.as_str()),
                epcis_events::declares_error.eq(p.declares_error),
                epcis_events::event_type.eq(e.event_type.as_str()),
                epcis_events::event_time.eq(e.event_time.naive_utc()),
                epcis_events::event_tz_offset.eq(e.event_time_zone_offset.as_str()),
                epcis_events::record_time.eq(now),
                epcis_events::action.eq(e.action.map(|a| a.as_str())),
                epcis_events::biz_step.eq(e.biz_step.as_deref()),
                epcis_events::disposition.eq(e.disposition.as_deref()),
                epcis_events::read_point.eq(e.read_point.as_ref().map(|l| l.id.as_str())),
                epcis_events::biz_location.eq(e.biz_location.as_ref().map(|l| l.id.as_str())),
                epcis_events::company_prefix.eq(p.company_prefix.as_str()),
                epcis_events::capture_job_id.eq(job_id),
                epcis_events::body.eq(""),
                epcis_events::body_zstd.eq(Some(p.body.as_slice())),
            )
        })
        .collect();
    let t = lap(Stage::Rows, t);
    match &mut *conn {
        DbConn::Pg(pg) => {
            diesel::copy_from(epcis_events::table)
                .from_insertable(&rows)
                .execute(pg)?;
        }
        DbConn::Sqlite(lite) => {
            for part in rows.chunks(SQLITE_EVENT_ROWS) {
                diesel::insert_into(epcis_events::table)
                    .values(part)
                    .execute(lite)?;
            }
        }
    }
    let t = lap(Stage::Events, t);
    let mut derived = Vec::with_capacity(chunk.len());
    let mut names: Vec<&str> = Vec::new();
    for (p, row) in chunk.iter().zip(&ids) {
        names.extend(p.roles.iter().map(|(_, id)| id.as_str()));
        for edge in &p.edges {
            names.push(&edge.from);
            names.push(&edge.to);
        }
        let at = events[p.index].event_time.naive_utc();
        derived.push((*row, at, p.edges.as_slice(), p.closing.as_ref()));
    }
    names.sort_unstable();
    names.dedup();
    let t = lap(Stage::Derive, t);
    let node_ids = nodes::intern(conn, &names)?;
    let t = lap(Stage::Nodes, t);
    let mut keyed = Vec::new();
    for (p, row) in chunk.iter().zip(&ids) {
        for (role, id) in &p.roles {
            let node = node_ids.get(id).copied().ok_or_else(|| {
                RegistryError::Config(format!("identifier {id} was not interned"))
            })?;
            keyed.push((node, role.as_str(), *row, p.company_prefix.as_str()));
        }
    }
    // By node, for the `(node_id, role)` index (the primary key's rows are at its end anyway).
    keyed.sort_unstable();
    let id_rows: Vec<_> = keyed
        .iter()
        .map(|(node, role, row, prefix)| {
            (
                epcis_event_nodes::event_row_id.eq(*row),
                epcis_event_nodes::node_id.eq(*node),
                epcis_event_nodes::role.eq(*role),
                epcis_event_nodes::company_prefix.eq(*prefix),
            )
        })
        .collect();
    match &mut *conn {
        DbConn::Pg(pg) => {
            if !id_rows.is_empty() {
                diesel::copy_from(epcis_event_nodes::table)
                    .from_insertable(&id_rows)
                    .execute(pg)?;
            }
        }
        DbConn::Sqlite(lite) => {
            for part in id_rows.chunks(SQLITE_ID_ROWS) {
                diesel::insert_into(epcis_event_nodes::table)
                    .values(part)
                    .execute(lite)?;
            }
        }
    }
    lap(Stage::Index, t);
    lineage::write(conn, &derived, &node_ids)
}

/// A capture job by id.
pub fn find_job(conn: &mut DbConn, id: i64) -> Result<CaptureJob> {
    capture_jobs::table
        .find(id)
        .select(CaptureJob::as_select())
        .first(conn)
        .optional()?
        .ok_or(RegistryError::NotFound {
            entity: "capture job",
        })
}

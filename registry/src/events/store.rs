//! Capture: a parsed document's events into the database in one go, duplicates skipped, with
//! their identifiers, lineage edges and a capture job.

use std::collections::HashSet;

use chrono::{NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::{event_company_prefix, lineage, role_name};
use crate::blacklist::filing_flag;
use crate::db::DbConn;
use crate::epcis::{Event, event_hash};
use crate::error::{RegistryError, Result};
use crate::schema::{capture_jobs, epcis_event_ids, epcis_events};
use crate::time;

/// A capture job: what one capture request did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = capture_jobs)]
pub struct CaptureJob {
    /// The job id (`/epcis/capture/{id}`).
    pub id: i64,
    /// When the capture was received (UTC).
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

/// Events per insert statement (15 bind values each).
const EVENT_CHUNK: usize = 1000;
/// Identifier rows per insert statement (3 bind values each).
const ID_CHUNK: usize = 5000;
/// Values per `IN (...)` list when looking for duplicates.
const LOOKUP_CHUNK: usize = 1000;

struct Prepared {
    event: Event,
    hash: String,
    declares_error: bool,
}

/// Stores `events` (already parsed and validated) and a capture job, in the caller's transaction.
///
/// Each event's `recordTime` is set to the capture time (EPCIS: the repository records it).
/// An event already stored (same GS1 event hash, or same `eventID`; the same for an error
/// declaration among error declarations) is skipped, and so is a repeat within `events`.
pub fn capture(conn: &mut DbConn, events: Vec<Event>, meta: &CaptureMeta) -> Result<CaptureJob> {
    let now = time::now();
    let record_time = Utc.from_utc_datetime(&now).fixed_offset();
    let total = events.len();
    let mut seen_hash: HashSet<(String, bool)> = HashSet::new();
    let mut seen_id: HashSet<(String, bool)> = HashSet::new();
    let mut fresh: Vec<Prepared> = Vec::with_capacity(total);
    for mut event in events {
        event.record_time = Some(record_time);
        let declares_error = event.error_declaration.is_some();
        let hash = event_hash(&event);
        let id_new = event
            .event_id
            .as_ref()
            .is_none_or(|id| seen_id.insert((id.clone(), declares_error)));
        if seen_hash.insert((hash.clone(), declares_error)) && id_new {
            fresh.push(Prepared {
                event,
                hash,
                declares_error,
            });
        }
    }
    let (known_hashes, known_ids) = already_stored(conn, &fresh)?;
    fresh.retain(|p| {
        !known_hashes.contains(&(p.hash.clone(), p.declares_error))
            && !p
                .event
                .event_id
                .as_ref()
                .is_some_and(|id| known_ids.contains(&(id.clone(), p.declares_error)))
    });
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
    for chunk in fresh.chunks(EVENT_CHUNK) {
        insert_events(conn, chunk, job_id, now)?;
    }
    find_job(conn, job_id)
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

type Known = HashSet<(String, bool)>;

fn already_stored(conn: &mut DbConn, events: &[Prepared]) -> Result<(Known, Known)> {
    let mut hashes = HashSet::new();
    let mut ids = HashSet::new();
    for chunk in events.chunks(LOOKUP_CHUNK) {
        let wanted: Vec<&str> = chunk.iter().map(|p| p.hash.as_str()).collect();
        let found: Vec<(String, bool)> = epcis_events::table
            .filter(epcis_events::event_hash.eq_any(wanted))
            .select((epcis_events::event_hash, epcis_events::declares_error))
            .load(conn)?;
        hashes.extend(found);
        let wanted: Vec<&str> = chunk
            .iter()
            .filter_map(|p| p.event.event_id.as_deref())
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let found: Vec<(Option<String>, bool)> = epcis_events::table
            .filter(epcis_events::event_id.eq_any(wanted))
            .select((epcis_events::event_id, epcis_events::declares_error))
            .load(conn)?;
        ids.extend(found.into_iter().filter_map(|(id, d)| id.map(|id| (id, d))));
    }
    Ok((hashes, ids))
}

fn insert_events(
    conn: &mut DbConn,
    chunk: &[Prepared],
    job_id: i64,
    now: NaiveDateTime,
) -> Result<()> {
    let rows: Vec<_> = chunk
        .iter()
        .map(|p| {
            let e = &p.event;
            (
                epcis_events::event_id.eq(e.event_id.clone()),
                epcis_events::event_hash.eq(p.hash.clone()),
                epcis_events::declares_error.eq(p.declares_error),
                epcis_events::event_type.eq(e.event_type.as_str()),
                epcis_events::event_time.eq(e.event_time.naive_utc()),
                epcis_events::event_tz_offset.eq(e.event_time_zone_offset.clone()),
                epcis_events::record_time.eq(now),
                epcis_events::action.eq(e.action.map(|a| a.as_str())),
                epcis_events::biz_step.eq(e.biz_step.clone()),
                epcis_events::disposition.eq(e.disposition.clone()),
                epcis_events::read_point.eq(e.read_point.as_ref().map(|l| l.id.clone())),
                epcis_events::biz_location.eq(e.biz_location.as_ref().map(|l| l.id.clone())),
                epcis_events::company_prefix.eq(event_company_prefix(e)),
                epcis_events::capture_job_id.eq(job_id),
                epcis_events::body.eq(e.to_internal_json()),
            )
        })
        .collect();
    let insert = diesel::insert_into(epcis_events::table)
        .values(&rows)
        .returning((
            epcis_events::id,
            epcis_events::event_hash,
            epcis_events::declares_error,
        ));
    let ids: Vec<(i64, String, bool)> = per_backend!(&mut *conn, |c| insert.get_results(c))?;
    let mut stored: Vec<(i64, NaiveDateTime, &Event)> = Vec::with_capacity(chunk.len());
    for p in chunk {
        let row = ids
            .iter()
            .find(|(_, h, d)| *h == p.hash && *d == p.declares_error)
            .map(|(id, _, _)| *id)
            .ok_or_else(|| RegistryError::conflict("capture_race", "an event row went missing"))?;
        stored.push((row, p.event.event_time.naive_utc(), &p.event));
    }
    let mut id_rows = Vec::new();
    for (row, _, e) in &stored {
        let mut seen = HashSet::new();
        for r in e.identifiers() {
            let role = role_name(r.role);
            if seen.insert((role.clone(), r.id)) {
                id_rows.push((
                    epcis_event_ids::event_row_id.eq(*row),
                    epcis_event_ids::role.eq(role),
                    epcis_event_ids::identifier.eq(r.id.to_owned()),
                ));
            }
        }
    }
    for c in id_rows.chunks(ID_CHUNK) {
        let insert = diesel::insert_into(epcis_event_ids::table).values(c);
        per_backend!(&mut *conn, |c| insert.execute(c))?;
    }
    lineage::write(conn, &stored)
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

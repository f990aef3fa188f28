//! eventID aliases: every acknowledged eventID leads to a stored event.
//!
//! The same event is often reported by two systems (an enterprise and a regulator adapter, an
//! XML and a JSON sender), each with its own eventID. The GS1 event hash is the equality test:
//! the second is not stored again, it **joins** the stored event, and its eventID becomes an
//! alias of it (`epcis_event_aliases`, `sql/*/2026-12-06-000110_event_aliases`). An alias is
//! found wherever an eventID is: `EQ_eventID`, `/epcis/events/{eventID}` ([`super::query`]) and
//! the trace's events ([`super::trace`]).
//!
//! An eventID names one thing: a stored event or one alias. A captured event whose eventID is
//! already taken (by a stored event or an alias) and whose content differs is not stored (as
//! before aliases: it is counted as a duplicate of the event that owns the eventID, `matched_by:
//! "event_id"`). Error declarations are their own rows and are not aliased (a declaration
//! carries the eventID of the event it corrects).
//!
//! The capture job lists, per duplicate, which stored event it joined ([`Duplicate`]): the
//! first [`KEPT_DUPLICATES`] in `capture_job_duplicates`, all of them counted in
//! `duplicate_count`.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::error::{RegistryError, Result};
use crate::schema::{capture_job_duplicates, epcis_event_aliases, epcis_events};

/// Duplicates listed per job (all are counted).
pub const KEPT_DUPLICATES: usize = 1000;
/// Values per `IN (...)` list.
const CHUNK: usize = 1000;
/// Alias rows per insert statement (4 bind values each).
const INSERT_ROWS: usize = 2000;

/// A captured event that was not stored because the hub already had it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Duplicate {
    /// The event's index in the document.
    pub event_index: i64,
    /// Its eventID as sent, if any.
    pub event_id: Option<String>,
    /// `event_hash` (the same event: same GS1 event hash), `event_id` (its eventID was
    /// taken, by a stored event or an alias, with other content: not stored) or
    /// `document_repeat` (a repeat within the document of an event that was not stored: it
    /// joined nothing).
    pub matched_by: String,
    /// The eventID of the stored event it joined (`null` when that event has none, or for a
    /// `document_repeat`).
    pub stored_event_id: Option<String>,
    /// The GS1 event hash of the stored event it joined (its own for a `document_repeat`).
    pub stored_event_hash: String,
    /// True when its eventID is (now, or already) an alias of the stored event.
    pub aliased: bool,
}

/// What a duplicate is, before it is matched: index, eventID, hash, declares an error.
pub(crate) struct Candidate<'a> {
    pub index: usize,
    pub event_id: Option<&'a str>,
    pub hash: &'a str,
    pub declares_error: bool,
}

/// A stored event a duplicate may join.
#[derive(Clone)]
struct Stored {
    row_id: i64,
    event_id: Option<String>,
    hash: String,
    company_prefix: String,
}

type StoredRow = (i64, Option<String>, String, String, bool);

/// Matches `dups` (events of job `job_id` that were not stored) to the stored events they
/// joined, writes the new aliases and keeps the list with the job. Runs in the capture
/// transaction, after the job's own events are written (a repeat within the document joins
/// the event stored from it).
pub(crate) fn join_duplicates(
    conn: &mut DbConn,
    job_id: i64,
    dups: &[Candidate<'_>],
) -> Result<Vec<Duplicate>> {
    if dups.is_empty() {
        return Ok(Vec::new());
    }
    let by_hash = stored_by_hash(conn, dups)?;
    let by_id = stored_by_event_id(conn, dups)?;
    let taken = aliases_of(conn, dups)?;
    let mut new_aliases: Vec<(String, i64, String)> = Vec::new();
    // eventIDs becoming aliases in this capture (first pass: the events with a stored hash).
    let mut claimed: HashMap<&str, &Stored> = HashMap::new();
    let mut joined: Vec<Option<(&Stored, &str, bool)>> = Vec::with_capacity(dups.len());
    for d in dups {
        let Some(stored) = by_hash.get(&(d.hash.to_owned(), d.declares_error)) else {
            joined.push(None);
            continue;
        };
        let aliased = match d.event_id {
            Some(id) if !d.declares_error && stored.event_id.as_deref() != Some(id) => {
                if let Some(row) = taken.get(id) {
                    *row == stored.row_id
                } else if let Some(other) = claimed.get(id) {
                    other.row_id == stored.row_id
                } else if by_id.contains_key(&(id.to_owned(), false)) {
                    // The eventID names another stored event.
                    false
                } else {
                    claimed.insert(id, stored);
                    new_aliases.push((id.to_owned(), stored.row_id, stored.company_prefix.clone()));
                    true
                }
            }
            _ => false,
        };
        joined.push(Some((stored, "event_hash", aliased)));
    }
    // Second pass: the events whose eventID was taken, by a stored event or an alias (possibly
    // one this capture makes).
    let mut out = Vec::with_capacity(dups.len());
    for (d, found) in dups.iter().zip(joined) {
        let (stored, matched_by, aliased) = match found {
            Some(j) => j,
            None => {
                let stored = d.event_id.and_then(|id| {
                    by_id
                        .get(&(id.to_owned(), d.declares_error))
                        .or_else(|| claimed.get(id).copied().filter(|_| !d.declares_error))
                });
                match stored {
                    Some(s) => (s, "event_id", false),
                    None => {
                        // A repeat, within the document, of an event that was itself not
                        // stored (its eventID was taken): it joined nothing.
                        out.push(Duplicate {
                            event_index: i64::try_from(d.index).unwrap_or(i64::MAX),
                            event_id: d.event_id.map(str::to_owned),
                            matched_by: "document_repeat".into(),
                            stored_event_id: None,
                            stored_event_hash: d.hash.to_owned(),
                            aliased: false,
                        });
                        continue;
                    }
                }
            }
        };
        out.push(Duplicate {
            event_index: i64::try_from(d.index).unwrap_or(i64::MAX),
            event_id: d.event_id.map(str::to_owned),
            matched_by: matched_by.into(),
            stored_event_id: stored.event_id.clone(),
            stored_event_hash: stored.hash.clone(),
            aliased,
        });
    }
    insert_aliases(conn, job_id, &new_aliases)?;
    record_duplicates(conn, job_id, &out)?;
    Ok(out)
}

fn stored_by_hash(
    conn: &mut DbConn,
    dups: &[Candidate<'_>],
) -> Result<HashMap<(String, bool), Stored>> {
    let mut hashes: Vec<&str> = dups.iter().map(|d| d.hash).collect();
    hashes.sort_unstable();
    hashes.dedup();
    let mut out = HashMap::new();
    for chunk in hashes.chunks(CHUNK) {
        let rows: Vec<StoredRow> = epcis_events::table
            .filter(epcis_events::event_hash.eq_any(chunk))
            .select(stored_columns())
            .load(conn)?;
        out.extend(rows.into_iter().map(keyed_by_hash));
    }
    Ok(out)
}

fn stored_by_event_id(
    conn: &mut DbConn,
    dups: &[Candidate<'_>],
) -> Result<HashMap<(String, bool), Stored>> {
    let mut ids: Vec<&str> = dups.iter().filter_map(|d| d.event_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<StoredRow> = epcis_events::table
            .filter(epcis_events::event_id.eq_any(chunk))
            .select(stored_columns())
            .load(conn)?;
        for row in rows {
            let declares = row.4;
            let stored = keyed_by_hash(row).1;
            if let Some(id) = stored.event_id.clone() {
                out.insert((id, declares), stored);
            }
        }
        // An eventID that is an alias names the event it is an alias of.
        let aliased: Vec<(String, StoredRow)> = epcis_event_aliases::table
            .inner_join(
                epcis_events::table.on(epcis_events::id.eq(epcis_event_aliases::event_row_id)),
            )
            .filter(epcis_event_aliases::event_id.eq_any(chunk))
            .select((epcis_event_aliases::event_id, stored_columns()))
            .load(conn)?;
        for (alias, row) in aliased {
            out.insert((alias, false), keyed_by_hash(row).1);
        }
    }
    Ok(out)
}

/// The existing aliases among the duplicates' eventIDs: alias → event row id.
fn aliases_of(conn: &mut DbConn, dups: &[Candidate<'_>]) -> Result<HashMap<String, i64>> {
    let ids: Vec<&str> = dups.iter().filter_map(|d| d.event_id).collect();
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        out.extend(
            epcis_event_aliases::table
                .filter(epcis_event_aliases::event_id.eq_any(chunk))
                .select((
                    epcis_event_aliases::event_id,
                    epcis_event_aliases::event_row_id,
                ))
                .load::<(String, i64)>(conn)?,
        );
    }
    Ok(out)
}

#[allow(clippy::type_complexity, reason = "a diesel selection")]
fn stored_columns() -> (
    epcis_events::id,
    epcis_events::event_id,
    epcis_events::event_hash,
    epcis_events::company_prefix,
    epcis_events::declares_error,
) {
    (
        epcis_events::id,
        epcis_events::event_id,
        epcis_events::event_hash,
        epcis_events::company_prefix,
        epcis_events::declares_error,
    )
}

fn keyed_by_hash(row: StoredRow) -> ((String, bool), Stored) {
    let (row_id, event_id, hash, company_prefix, declares) = row;
    (
        (hash.clone(), declares),
        Stored {
            row_id,
            event_id,
            hash,
            company_prefix,
        },
    )
}

fn insert_aliases(conn: &mut DbConn, job_id: i64, aliases: &[(String, i64, String)]) -> Result<()> {
    for part in aliases.chunks(INSERT_ROWS) {
        let rows: Vec<_> = part
            .iter()
            .map(|(id, row, prefix)| {
                (
                    epcis_event_aliases::event_id.eq(id.as_str()),
                    epcis_event_aliases::event_row_id.eq(*row),
                    epcis_event_aliases::capture_job_id.eq(job_id),
                    epcis_event_aliases::company_prefix.eq(prefix.as_str()),
                )
            })
            .collect();
        // Multi-row inserts go to the concrete connection (not through `MultiConnection`).
        match &mut *conn {
            DbConn::Pg(pg) => diesel::insert_into(epcis_event_aliases::table)
                .values(&rows)
                .execute(pg)?,
            DbConn::Sqlite(lite) => diesel::insert_into(epcis_event_aliases::table)
                .values(&rows)
                .execute(lite)?,
        };
    }
    Ok(())
}

fn record_duplicates(conn: &mut DbConn, job_id: i64, dups: &[Duplicate]) -> Result<()> {
    let kept = &dups[..dups.len().min(KEPT_DUPLICATES)];
    let text = serde_json::to_string(kept)
        .map_err(|e| RegistryError::Config(format!("duplicates not serialisable: {e}")))?;
    diesel::insert_into(capture_job_duplicates::table)
        .values((
            capture_job_duplicates::capture_job_id.eq(job_id),
            capture_job_duplicates::duplicates.eq(text),
        ))
        .execute(conn)?;
    Ok(())
}

/// The duplicates kept with job `job_id` (the first [`KEPT_DUPLICATES`]), in document order.
pub fn job_duplicates(conn: &mut DbConn, job_id: i64) -> Result<Vec<Duplicate>> {
    let text: Option<String> = capture_job_duplicates::table
        .find(job_id)
        .select(capture_job_duplicates::duplicates)
        .first(conn)
        .optional()?;
    match text {
        None => Ok(Vec::new()),
        Some(t) => serde_json::from_str(&t).map_err(|e| {
            RegistryError::Config(format!("duplicates of job {job_id} are unreadable: {e}"))
        }),
    }
}

/// The aliases of stored events, by event row id (each list sorted).
pub fn aliases_of_events(conn: &mut DbConn, rows: &[i64]) -> Result<HashMap<i64, Vec<String>>> {
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in rows.chunks(CHUNK) {
        let found: Vec<(i64, String)> = epcis_event_aliases::table
            .filter(epcis_event_aliases::event_row_id.eq_any(chunk))
            .select((
                epcis_event_aliases::event_row_id,
                epcis_event_aliases::event_id,
            ))
            .load(conn)?;
        for (row, id) in found {
            out.entry(row).or_default().push(id);
        }
    }
    for list in out.values_mut() {
        list.sort_unstable();
    }
    Ok(out)
}

/// The eventIDs among `ids` that are aliases (the eventIDs that are already taken, with
/// [`super::store`]'s lookup of stored eventIDs).
pub(crate) fn known_aliases(conn: &mut DbConn, ids: &[&str]) -> Result<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(epcis_event_aliases::table
        .filter(epcis_event_aliases::event_id.eq_any(ids))
        .select(epcis_event_aliases::event_id)
        .load(conn)?)
}

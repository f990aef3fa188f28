//! References to GLNs of no registered site or enterprise: warnings kept with the capture job,
//! or a refusal, by configuration.
//!
//! `[epcis] unregistered_gln` in the hub's configuration chooses: `warn` keeps the warnings with
//! the job (`capture_job_warnings`: the first 1,000, and their count) and returns them; `reject`
//! answers 422 `unregistered_gln` naming the first such field, and nothing is written. Foreign
//! prefixes (an import's partners) count alike; each warning carries the country of the GS1 Member
//! Organisation of the GLN's prefix.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::{UnregisteredGln, place_fields};
use crate::db::DbConn;
use crate::epcis::Event;
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::events::trace::places::{self, gln_of};
use crate::schema::capture_job_warnings;

/// Warnings listed per job (all are counted).
pub(super) const KEPT_WARNINGS: usize = 1000;
/// Distinct GLNs resolved per round.
const CHUNK: usize = 1000;

/// Something a captured document did that the hub accepted but flags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaptureWarning {
    /// `unregistered_gln`.
    pub code: String,
    /// The event's index in the document.
    pub event_index: i64,
    /// The field (`events[3].bizLocation`, `events[0].sourceList[1].source`).
    pub field: String,
    /// The 13-digit GLN.
    pub gln: String,
    /// The country of the GS1 Member Organisation of its prefix (`""` when unknown): a
    /// foreign one is an import's partner.
    pub country: String,
}

/// The readPoints, bizLocations, sources and destinations of `events` whose GLN is not a
/// registered site's nor within a registered enterprise's company prefix: warnings in
/// document order, or (`reject`) 422 `unregistered_gln` naming the first.
pub fn unregistered_glns(
    conn: &mut DbConn,
    events: &[Event],
    mode: UnregisteredGln,
) -> Result<Vec<CaptureWarning>> {
    let refs: Vec<(usize, String, &str, String)> = events
        .iter()
        .enumerate()
        .flat_map(|(i, e)| {
            place_fields(e)
                .into_iter()
                .filter_map(move |(f, id)| gln_of(id).map(|(_, g)| (i, f, id, g)))
        })
        .collect();
    let mut ids: Vec<String> = refs.iter().map(|r| r.2.to_owned()).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut known = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        known.extend(places::resolve(conn, chunk)?);
    }
    let mut warnings = Vec::new();
    for (i, field, id, gln) in refs {
        if known.get(id).is_some_and(|p| p.registered) {
            continue;
        }
        let field = format!("events[{i}].{field}");
        if mode == UnregisteredGln::Reject {
            return Err(RegistryError::invalid(
                Code::UnregisteredGln,
                field,
                format!("GLN {gln} is not a registered site or enterprise"),
            ));
        }
        warnings.push(CaptureWarning {
            code: Code::UnregisteredGln.as_str().into(),
            event_index: i64::try_from(i).unwrap_or(i64::MAX),
            field,
            country: places::gs1_country(&gln).into(),
            gln,
        });
    }
    Ok(warnings)
}

/// Keeps `warnings` with job `job_id` (the first [`KEPT_WARNINGS`], and their number).
pub fn record_warnings(conn: &mut DbConn, job_id: i64, warnings: &[CaptureWarning]) -> Result<()> {
    if warnings.is_empty() {
        return Ok(());
    }
    let kept = &warnings[..warnings.len().min(KEPT_WARNINGS)];
    let text = serde_json::to_string(kept)
        .map_err(|e| RegistryError::Config(format!("warnings not serialisable: {e}")))?;
    diesel::insert_into(capture_job_warnings::table)
        .values((
            capture_job_warnings::capture_job_id.eq(job_id),
            capture_job_warnings::warning_count
                .eq(i64::try_from(warnings.len()).unwrap_or(i64::MAX)),
            capture_job_warnings::warnings.eq(text),
        ))
        .execute(conn)?;
    Ok(())
}

/// The warnings kept with job `job_id`: their number and the list.
pub fn job_warnings(conn: &mut DbConn, job_id: i64) -> Result<(i64, Vec<CaptureWarning>)> {
    let row: Option<(i64, String)> = capture_job_warnings::table
        .find(job_id)
        .select((
            capture_job_warnings::warning_count,
            capture_job_warnings::warnings,
        ))
        .first(conn)
        .optional()?;
    match row {
        None => Ok((0, Vec::new())),
        Some((count, text)) => {
            let list = serde_json::from_str(&text).map_err(|e| {
                RegistryError::Config(format!("warnings of job {job_id} are unreadable: {e}"))
            })?;
            Ok((count, list))
        }
    }
}

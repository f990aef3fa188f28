//! EPCIS capture: a validated document's events stored under the capture policy, with the
//! capture job and its audit row in one transaction.

use registry::epcis::Event;
use registry::error::Code;
use registry::events::policy::{self, CaptureOutcome};
use registry::events::{CaptureMeta, PreparedEvents, prepare};
use serde_json::json;

use super::{Caller, Change, audited_as};
use crate::app::Core;
use crate::error::ApiError;

/// Times a capture is retried when a concurrent capture stored the same event first.
const CAPTURE_ATTEMPTS: usize = 3;

/// Captures the events of one document (`format`: `xml` or `json`) as the caller.
pub fn capture(
    core: &Core,
    caller: &Caller,
    format: &'static str,
    events: Vec<Event>,
) -> Result<CaptureOutcome, ApiError> {
    let meta = CaptureMeta {
        created_by: Some(caller.actor.user_id),
        enterprise_id: caller.actor.enterprise_id,
        format,
    };
    // Hashing, compressing and deriving happen before the transaction (SQLite's write turn);
    // a retry reuses them.
    let events = prepare(events, caller.now())?;
    store(core, caller, &events, &meta)
}

/// Stores prepared events under the capture policy, retrying when a concurrent capture stored
/// one of them first.
pub fn store(
    core: &Core,
    caller: &Caller,
    events: &PreparedEvents,
    meta: &CaptureMeta,
) -> Result<CaptureOutcome, ApiError> {
    let policy = core.config.epcis.policy();
    let mut attempt = 0;
    loop {
        attempt += 1;
        let result = audited_as(core, caller, "epcis.capture", |conn, _, actor| {
            let outcome = policy::capture_checked(conn, actor, events, meta, policy)?;
            let job = &outcome.job;
            let detail = json!({
                "job_id": job.id,
                "format": job.format,
                "events": job.event_count,
                "stored": job.stored_count,
                "duplicates": job.duplicate_count,
                "warnings": outcome.warning_count,
            });
            let target = format!("capture_job:{}", job.id);
            Ok::<_, ApiError>(Change::recorded(outcome, target, detail))
        });
        match result {
            Err(e) if e.code() == Code::Conflict && attempt < CAPTURE_ATTEMPTS => continue,
            other => break other,
        }
    }
}

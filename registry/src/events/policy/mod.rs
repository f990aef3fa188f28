//! The capture policy: who may capture which events, who reads which, and what a reference to
//! an unregistered GLN does. Checked before anything is written, with one batched query per
//! kind of reference (sites, products, enterprises, earlier receipts) per document, never one
//! per event.
//!
//! - [`authorize_capture`]: administrators capture anything; an enterprise only events at its
//!   own sites, about its own products or objects it received; a regulator adapter (`system`
//!   user) only events about products of its category ([`capture`]).
//! - [`unregistered_glns`]: readPoints, bizLocations, sources and destinations whose GLN is
//!   neither a registered site nor within a registered enterprise's GS1 company prefix: a
//!   warning kept with the capture job, or a refusal ([`UnregisteredGln`]) ([`glns`]).
//! - [`read_scope`]: which stored events and capture jobs an actor reads ([`scope`]).

mod capture;
mod glns;
mod scope;

pub use capture::authorize_capture;
pub use glns::{CaptureWarning, job_warnings, record_warnings, unregistered_glns};
pub use scope::{EnterpriseSet, ReadScope, may_read_job, read_scope};
pub(crate) use scope::{EventsQuery, identifiers_in_scope, narrow};

use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::aliases::{Duplicate, job_duplicates};
use super::profile::{Stage, lap};
use super::store::{CaptureJob, CaptureMeta, PreparedEvents, capture_joined};
use crate::db::DbConn;
use crate::epcis::Event;
use crate::error::Result;
use crate::identity::Actor;

/// What a reference to a GLN of no registered site or enterprise does (`[epcis]
/// unregistered_gln`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnregisteredGln {
    /// Captured, with a warning (event index, field, GLN) in the job.
    #[default]
    Warn,
    /// The document is refused (422 naming the event index and field).
    Reject,
}

/// The policy a capture is held to.
#[derive(Debug, Clone, Copy, Default)]
pub struct CapturePolicy {
    /// References to unregistered GLNs.
    pub unregistered_gln: UnregisteredGln,
}

/// A capture job with the warnings its document raised.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaptureOutcome {
    /// The job.
    #[serde(flatten)]
    pub job: CaptureJob,
    /// Warnings in all (the list keeps the first [`glns::KEPT_WARNINGS`]).
    pub warning_count: i64,
    /// The warnings, in document order.
    pub warnings: Vec<CaptureWarning>,
    /// Per event not stored because the hub had it, the stored event it joined, in document
    /// order (the first 1,000; all are counted in `duplicate_count`).
    pub duplicates: Vec<Duplicate>,
}

/// Checks `events` against the policy for `actor`, then stores them and the job (with its
/// warnings), in the caller's transaction. A refusal writes nothing; `events` are not
/// consumed, so a transaction lost to a concurrent capture can be retried with them.
pub fn capture_checked(
    conn: &mut DbConn,
    actor: &Actor,
    events: &PreparedEvents,
    meta: &CaptureMeta,
    policy: CapturePolicy,
) -> Result<CaptureOutcome> {
    let t = Instant::now();
    authorize_capture(conn, actor, events.events())?;
    let warnings = unregistered_glns(conn, events.events(), policy.unregistered_gln)?;
    lap(Stage::Policy, t);
    let (job, mut duplicates) = capture_joined(conn, events, meta)?;
    duplicates.truncate(super::aliases::KEPT_DUPLICATES);
    let t = Instant::now();
    record_warnings(conn, job.id, &warnings)?;
    lap(Stage::Policy, t);
    let warning_count = i64::try_from(warnings.len()).unwrap_or(i64::MAX);
    let mut warnings = warnings;
    warnings.truncate(glns::KEPT_WARNINGS);
    Ok(CaptureOutcome {
        job,
        warning_count,
        warnings,
        duplicates,
    })
}

/// A capture job with its warnings.
pub fn find_outcome(conn: &mut DbConn, id: i64) -> Result<CaptureOutcome> {
    let job = super::find_job(conn, id)?;
    let (warning_count, warnings) = job_warnings(conn, id)?;
    Ok(CaptureOutcome {
        job,
        warning_count,
        warnings,
        duplicates: job_duplicates(conn, id)?,
    })
}

/// Object identifiers of an event with the field each is in (`epcList[2]`,
/// `quantityList[0].epcClass`...).
pub(crate) fn object_fields(e: &Event) -> Vec<(String, &str)> {
    let mut out = Vec::new();
    for (name, list) in [
        ("epcList", &e.epc_list),
        ("childEPCs", &e.child_epcs),
        ("inputEPCList", &e.input_epc_list),
        ("outputEPCList", &e.output_epc_list),
    ] {
        for (j, id) in list.iter().enumerate() {
            out.push((format!("{name}[{j}]"), id.as_str()));
        }
    }
    if let Some(p) = &e.parent_id {
        out.push(("parentID".to_owned(), p.as_str()));
    }
    for (name, list) in [
        ("quantityList", &e.quantity_list),
        ("childQuantityList", &e.child_quantity_list),
        ("inputQuantityList", &e.input_quantity_list),
        ("outputQuantityList", &e.output_quantity_list),
    ] {
        for (j, q) in list.iter().enumerate() {
            out.push((format!("{name}[{j}].epcClass"), q.epc_class.as_str()));
        }
    }
    out
}

/// Location and party identifiers of an event with their fields (`readPoint`, `bizLocation`,
/// `sourceList[0].source`, `destinationList[1].destination`).
pub(crate) fn place_fields(e: &Event) -> Vec<(String, &str)> {
    let mut out = Vec::new();
    if let Some(l) = &e.read_point {
        out.push(("readPoint".to_owned(), l.id.as_str()));
    }
    if let Some(l) = &e.biz_location {
        out.push(("bizLocation".to_owned(), l.id.as_str()));
    }
    for (j, s) in e.source_list.iter().enumerate() {
        out.push((format!("sourceList[{j}].source"), s.value.as_str()));
    }
    for (j, d) in e.destination_list.iter().enumerate() {
        out.push((
            format!("destinationList[{j}].destination"),
            d.value.as_str(),
        ));
    }
    out
}

/// The GTIN (14 digits) of a GTIN-keyed identifier (item, lot, class).
pub(crate) fn gtin_of(identifier: &str) -> Option<&str> {
    identifier
        .strip_prefix("https://id.gs1.org/01/")
        .and_then(|r| r.split('/').next())
}

//! Where capture spends its time: wall time per stage, summed over every capture since the
//! process started (all threads). Read by `hub bench capture`; a few `Instant::now()` per round
//! of 2,000 events, so it is always on.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A stage of capture.
#[derive(Debug, Clone, Copy)]
pub enum Stage {
    /// Who may capture what, unregistered GLNs found (database), warnings stored.
    Policy,
    /// Event hash, record time and the duplicates within the document (CPU).
    Hash,
    /// Looking up already stored hashes and eventIDs (database).
    Duplicates,
    /// The blacklist flag and the capture job row (database).
    Job,
    /// Event row ids taken from the sequence (database).
    Ids,
    /// Event rows built: internal JSON body, company prefix (CPU).
    Rows,
    /// Event rows written (database).
    Events,
    /// Identifiers and lineage edges derived from the events (CPU).
    Derive,
    /// Identifiers interned in `lineage_nodes` (database).
    Nodes,
    /// Identifier index rows written (database).
    Index,
    /// Lineage edges written (database).
    Edges,
    /// Aggregations closed by `DELETE`s (database).
    Closings,
}

const STAGES: [Stage; 12] = [
    Stage::Policy,
    Stage::Hash,
    Stage::Duplicates,
    Stage::Job,
    Stage::Ids,
    Stage::Rows,
    Stage::Events,
    Stage::Derive,
    Stage::Nodes,
    Stage::Index,
    Stage::Edges,
    Stage::Closings,
];

impl Stage {
    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Policy => "policy: rights, GLNs, warnings",
            Stage::Hash => "hash and dedupe in document",
            Stage::Duplicates => "look up stored duplicates",
            Stage::Job => "capture job",
            Stage::Ids => "allocate event ids",
            Stage::Rows => "build event rows (JSON body)",
            Stage::Events => "write epcis_events",
            Stage::Derive => "derive identifiers and edges",
            Stage::Nodes => "intern lineage_nodes",
            Stage::Index => "write epcis_event_nodes",
            Stage::Edges => "write lineage_edges",
            Stage::Closings => "close aggregations",
        }
    }
}

static NANOS: [AtomicU64; STAGES.len()] = [const { AtomicU64::new(0) }; STAGES.len()];

/// Adds the time since `since` to `stage`, and returns now (the start of the next stage).
pub(super) fn lap(stage: Stage, since: Instant) -> Instant {
    let now = Instant::now();
    let nanos = u64::try_from((now - since).as_nanos()).unwrap_or(u64::MAX);
    NANOS[stage as usize].fetch_add(nanos, Ordering::Relaxed);
    now
}

/// Time spent so far in each stage, in order.
pub fn totals() -> Vec<(&'static str, Duration)> {
    STAGES
        .iter()
        .map(|s| {
            let nanos = NANOS[*s as usize].load(Ordering::Relaxed);
            (s.name(), Duration::from_nanos(nanos))
        })
        .collect()
}

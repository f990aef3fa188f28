//! Stored EPCIS events: capture into the database, the identifier index, lineage edges, and the
//! simple event query.
//!
//! Tables (`sql/*/2026-11-23-000003_epcis`):
//!
//! - `capture_jobs`: one row per capture request (synchronous: a job is `succeeded` when its
//!   transaction commits; a refused document leaves no job).
//! - `epcis_events`: one row per distinct event: the hub's internal JSON (compressed in
//!   `body_zstd` since `2026-11-29-000057_event_body_zstd`, see [`body`]) and the columns
//!   queries filter on. The same event (same GS1 event hash) or the same `eventID` is stored once;
//!   an event carrying an `errorDeclaration` is a distinct row (`declares_error`), so declaring
//!   an error about a stored event is not mistaken for a duplicate.
//! - `epcis_event_aliases`, `capture_job_duplicates` (`sql/*/2026-12-06-000110_event_aliases`):
//!   the eventIDs of duplicates that joined a stored event, and per job which event each
//!   duplicate joined ([`aliases`]).
//! - `epcis_named_queries` (`sql/*/2026-12-06-000120_named_queries`): saved queries, per
//!   owner ([`named`]).
//! - `lineage_nodes` (`sql/*/2026-11-29-000040_trace`): every identifier an event touches, as
//!   an integer id ([`nodes`]).
//! - `epcis_event_nodes`: every identifier (node) an event touches, with its role
//!   ([`role_name`]).
//! - `lineage_edges`: the lineage graph beside the events, on node ids ([`lineage`]).
//!
//! On PostgreSQL the rows are copied in (`COPY ... BINARY`), with event ids taken from the
//! sequence beforehand; on SQLite they are inserted many rows per statement.
//!
//! `company_prefix` (events, identifier rows, nodes and edges) is the sharding key of the large
//! tables; see [`company_prefix`] for what it holds.
//!
//! Every event belongs to a stored capture job. On PostgreSQL `epcis_events.capture_job_id` has no
//! foreign key (its per-row trigger cost more than the rows;
//! `2026-11-30-000100_capture_throughput`): the reference holds by construction, since events are
//! written only by [`capture`], in the transaction that inserts their job, and neither events nor
//! capture jobs are ever deleted. The derived tables (`lineage_nodes`, `epcis_event_nodes`,
//! `lineage_edges`) carry no foreign keys either and hold the same way.

pub mod aliases;
pub mod body;
pub mod discovery;
pub mod filter;
pub mod lineage;
pub mod named;
pub mod nodes;
pub mod policy;
pub mod profile;
pub mod query;
pub mod recall;
pub mod store;
pub mod subscriptions;
pub mod trace;

use crate::epcis::{Event, IdRole};
use crate::ids::epc::CANONICAL_HOST;

pub use aliases::Duplicate;
pub use query::{
    EventPage, EventQuery, IdMatch, Order, PageToken, StoredEvent, exceeds, query_events,
};
pub use store::{
    CaptureJob, CaptureMeta, PreparedEvents, capture, capture_joined, find_job, prepare,
};

/// The role of an identifier as `epcis_event_nodes.role` stores it: the EPCIS field name, and for
/// sources, destinations and business transactions the (canonical) type after a colon
/// (`source:https://ref.gs1.org/cbv/SDT-owning_party`, `bizTransaction:` when untyped).
pub fn role_name(role: IdRole<'_>) -> String {
    match role {
        IdRole::Epc => "epc".into(),
        IdRole::Parent => "parentID".into(),
        IdRole::Child => "childEPC".into(),
        IdRole::Input => "inputEPC".into(),
        IdRole::Output => "outputEPC".into(),
        IdRole::QuantityClass => "epcClass".into(),
        IdRole::ChildQuantityClass => "childEPCClass".into(),
        IdRole::InputQuantityClass => "inputEPCClass".into(),
        IdRole::OutputQuantityClass => "outputEPCClass".into(),
        IdRole::ReadPoint => "readPoint".into(),
        IdRole::BizLocation => "bizLocation".into(),
        IdRole::Source(t) => format!("source:{t}"),
        IdRole::Destination(t) => format!("destination:{t}"),
        IdRole::BizTransaction(t) => format!("bizTransaction:{}", t.unwrap_or("")),
    }
}

/// Digits of a GS1 key kept as the sharding key.
const PREFIX_DIGITS: usize = 7;

/// The company-prefix key of a canonical identifier, or `""` when it has none.
///
/// A GS1 Company Prefix is 6 to 12 digits and its length cannot be read from the key itself
/// (that needs GS1's prefix table, and the canonical Digital Link form no longer carries the
/// URN's split). So the hub keeps the **first 7 digits of the company-prefix part of the key**
/// (after the GTIN indicator, the SSCC extension digit, the GRAI filler digit): for a 7-digit
/// prefix it is the prefix; for a longer one, its first 7 digits (still a function of the
/// company, so one company's rows stay together); a 6-digit prefix spreads over ten values.
/// That is what sharding by company needs. Non-GS1 identifiers have no key: `""`.
pub fn company_prefix(id: &str) -> String {
    let Some(path) = id
        .strip_prefix(CANONICAL_HOST)
        .and_then(|p| p.strip_prefix('/'))
    else {
        return String::new();
    };
    let mut segs = path.split(['/', '?']);
    let (Some(ai), Some(key)) = (segs.next(), segs.next()) else {
        return String::new();
    };
    let key = match ai {
        "01" | "00" | "8003" | "8006" => key.get(1..).unwrap_or(""),
        _ => key,
    };
    match key.get(..PREFIX_DIGITS) {
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => p.to_owned(),
        _ => String::new(),
    }
}

/// The company-prefix key of an event: that of its first object identifier (EPC or class)
/// that has one, else `""`.
pub fn event_company_prefix(e: &Event) -> String {
    e.identifiers()
        .iter()
        .filter(|i| i.role.is_object())
        .map(|i| company_prefix(i.id))
        .find(|p| !p.is_empty())
        .unwrap_or_default()
}

#[cfg(test)]
mod migration_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_prefix_keys() {
        assert_eq!(
            company_prefix("https://id.gs1.org/01/10614141073464/21/2017"),
            "0614141"
        );
        assert_eq!(
            company_prefix("https://id.gs1.org/00/106141412345678908"),
            "0614141"
        );
        assert_eq!(
            company_prefix("https://id.gs1.org/414/9520123456788"),
            "9520123"
        );
        assert_eq!(company_prefix("urn:example:thing"), "");
        assert_eq!(company_prefix("https://id.gs1.org/8004/12AB"), "");
    }
}

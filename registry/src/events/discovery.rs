//! The EPCIS REST binding's discovery resources (`/epcis/eventTypes`, `/epcis/epcs`,
//! `/epcis/bizSteps`, `/epcis/bizLocations`, `/epcis/readPoints`, `/epcis/dispositions`): the
//! distinct values of the stored events a reader may read ([`super::policy::read_scope`]), in
//! byte order, a page at a time after the last value of the previous page.
//!
//! Event types, business steps, dispositions, read points and business locations are the
//! distinct values of their `epcis_events` column among the events in scope; EPCs are the
//! distinct identifiers the events in scope name as `epc`, `childEPC`, `parentID`, `inputEPC`
//! or `outputEPC` (`epcis_event_nodes`). A page reads the events in scope until it has found
//! its values: a cost in the number of events, not of values (see BENCHMARKS.md: not yet
//! measured at 10 M events).

use diesel::prelude::*;

use super::policy::{ReadScope, identifiers_in_scope, narrow};
use crate::db::DbConn;
use crate::error::Result;
use crate::schema::epcis_events;

/// A discovery resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// `eventTypes`.
    EventTypes,
    /// `epcs`.
    Epcs,
    /// `bizSteps`.
    BizSteps,
    /// `bizLocations`.
    BizLocations,
    /// `readPoints`.
    ReadPoints,
    /// `dispositions`.
    Dispositions,
}

/// The roles of an EPC in an event (`MATCH_anyEPC`).
pub const EPC_ROLES: [&str; 5] = ["epc", "childEPC", "parentID", "inputEPC", "outputEPC"];

/// One page of values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuePage {
    /// The values, in byte order.
    pub values: Vec<String>,
    /// True when more follow the last one.
    pub more: bool,
}

/// Distinct values of a nullable text column of the events in scope.
macro_rules! distinct_column {
    ($conn:expr, $scope:expr, $col:expr, $after:expr, $limit:expr) => {{
        let mut q = epcis_events::table
            .select($col)
            .filter($col.is_not_null())
            .distinct()
            .order($col)
            .limit($limit)
            .into_boxed();
        q = narrow(q, $scope);
        if let Some(after) = $after {
            q = q.filter($col.gt(after));
        }
        let found: Vec<Option<String>> = q.load($conn)?;
        found.into_iter().flatten().collect::<Vec<String>>()
    }};
}

/// Up to `limit` values of `resource` after `after`, among the events `scope` reads.
pub fn values(
    conn: &mut DbConn,
    scope: &ReadScope,
    resource: Resource,
    after: Option<&str>,
    limit: i64,
) -> Result<ValuePage> {
    let n = limit.max(1) + 1;
    let after = after.map(str::to_owned);
    let mut values: Vec<String> = match resource {
        Resource::EventTypes => {
            let mut q = epcis_events::table
                .select(epcis_events::event_type)
                .distinct()
                .order(epcis_events::event_type)
                .limit(n)
                .into_boxed();
            q = narrow(q, scope);
            if let Some(after) = after {
                q = q.filter(epcis_events::event_type.gt(after));
            }
            q.load(conn)?
        }
        Resource::BizSteps => distinct_column!(conn, scope, epcis_events::biz_step, after, n),
        Resource::Dispositions => {
            distinct_column!(conn, scope, epcis_events::disposition, after, n)
        }
        Resource::ReadPoints => distinct_column!(conn, scope, epcis_events::read_point, after, n),
        Resource::BizLocations => {
            distinct_column!(conn, scope, epcis_events::biz_location, after, n)
        }
        Resource::Epcs => epcs(conn, scope, after, n)?,
    };
    let more = values.len() > usize::try_from(limit.max(1)).unwrap_or(usize::MAX);
    values.truncate(usize::try_from(limit.max(1)).unwrap_or(usize::MAX));
    Ok(ValuePage { values, more })
}

fn epcs(
    conn: &mut DbConn,
    scope: &ReadScope,
    after: Option<String>,
    n: i64,
) -> Result<Vec<String>> {
    identifiers_in_scope(conn, scope, &EPC_ROLES, after, n)
}

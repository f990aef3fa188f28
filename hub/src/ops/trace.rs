//! Trace and recall, the reads the API and the portal share: the actor's right to start from
//! an object is checked first (see `registry::events::trace::authorize`).

use registry::events::recall::{self, RecallReport};
use registry::events::trace::{self, Direction, Start, Trace, authorize};
use registry::identity::Actor;

use crate::app::Core;
use crate::error::ApiError;

/// Traces forward or backward from `start`, as `actor` may.
pub fn trace(
    core: &Core,
    actor: &Actor,
    start: &Start,
    direction: Direction,
) -> Result<Trace, ApiError> {
    let mut conn = core.db.conn()?;
    authorize(&mut conn, actor, start)?;
    Ok(trace::trace(&mut conn, start, direction)?)
}

/// The recall report of a lot (canonical form), its rows in `sort` order, as `actor` may.
pub fn recall(
    core: &Core,
    actor: &Actor,
    lot: &str,
    sort: &[(String, bool)],
) -> Result<RecallReport, ApiError> {
    let mut conn = core.db.conn()?;
    authorize(&mut conn, actor, &Start::Object(lot.to_owned()))?;
    Ok(recall::recall(&mut conn, core.now(), lot, sort)?)
}

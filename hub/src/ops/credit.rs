//! Credit tiers from the data (`registry::enterprises::credit`): the schedule's recomputation,
//! audited, and an enterprise's assessment as its readers may see it.

use registry::enterprises::credit::{self, Assessment, Recomputed};
use registry::enterprises::find_enterprise;
use registry::identity::Actor;
use serde_json::json;

use super::{Change, Origin, audited};
use crate::app::Core;
use crate::error::ApiError;

/// Assesses every enterprise and sets the tiers that changed, in one transaction. Audited as
/// `origin` (`job:credit-tiers`, or the operator) when a tier changed.
pub fn recompute(core: &Core, origin: &Origin) -> Result<Recomputed, ApiError> {
    audited::<_, ApiError>(core, origin, "credit.recompute", |conn, now| {
        let done = credit::recompute(conn, now, None)?;
        if done.changed == 0 {
            return Ok(Change::unwritten(done));
        }
        let detail =
            json!({ "assessed": done.assessed, "changed": done.changed, "tiers": done.tiers });
        Ok(Change::recorded(done, "enterprises", detail))
    })
}

/// Enterprise `id`'s tier and its reasons, when `actor` may read the enterprise.
pub fn assessment(core: &Core, actor: &Actor, id: i64) -> Result<Assessment, ApiError> {
    let conn = &mut *core.db.conn()?;
    find_enterprise(conn, actor, id)?;
    Ok(credit::assessment(conn, core.now(), id)?)
}

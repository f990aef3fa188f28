//! The rare-earth department's part of the adapter's rules: which enterprises are designated to
//! mine or smelt and separate, and their annual quotas (`registry::intake::rare_earth`). The
//! officer must be competent for the enterprise, and the enterprise registered for rare earth.

use registry::RegistryError;
use registry::db::DbConn;
use registry::departments::Category;
use registry::enterprises::{load_enterprise, require_jurisdiction};
use registry::error::Code;
use registry::identity::Actor;
use registry::intake::rare_earth::{self, Designation, NewDesignation, NewQuota, Quota};
use serde_json::json;

use super::{Caller, Change, audited_as};
use crate::app::Core;
use crate::error::ApiError;

/// Records (or, with no stage, withdraws) a designation.
pub fn designate(
    core: &Core,
    caller: &Caller,
    new: &NewDesignation,
) -> Result<Option<Designation>, ApiError> {
    audited_as(core, caller, "rare_earth.designate", |conn, now, actor| {
        competent(conn, actor, new.enterprise_id)?;
        let designation = rare_earth::designate(conn, now, &actor.username, new)?;
        let detail = json!({ "stages": new.stages });
        let target = format!("enterprise:{}", new.enterprise_id);
        Ok::<_, ApiError>(Change::recorded(designation, target, detail))
    })
}

/// Sets an enterprise's quota for a year.
pub fn set_quota(core: &Core, caller: &Caller, new: &NewQuota) -> Result<Quota, ApiError> {
    audited_as(core, caller, "rare_earth.quota", |conn, now, actor| {
        competent(conn, actor, new.enterprise_id)?;
        let quota = rare_earth::set_quota(conn, now, &actor.username, new)?;
        let detail = json!({ "year": new.year, "reo_kg": new.reo_kg });
        let target = format!("enterprise:{}", new.enterprise_id);
        Ok::<_, ApiError>(Change::recorded(quota, target, detail))
    })
}

/// The actor is competent for enterprise `id`, which is registered for rare earth.
fn competent(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<(), RegistryError> {
    let enterprise = load_enterprise(conn, id).map_err(|_| {
        RegistryError::invalid(
            Code::UnknownEnterprise,
            "enterprise_id",
            "no such enterprise",
        )
    })?;
    require_jurisdiction(conn, actor, &enterprise)?;
    if !enterprise.categories.contains(&Category::RareEarth) {
        return Err(RegistryError::invalid(
            Code::CategoryNotRegistered,
            "enterprise_id",
            "the enterprise is not registered for rare earth",
        ));
    }
    Ok(())
}

//! What departments keep for the regulator adapters' rules: the rare-earth designations (which
//! enterprises may mine or smelt and separate) and annual quotas (`registry::intake::rare_earth`),
//! and the agricultural banned-input list (`registry::intake::agri`). An officer acts only for
//! a department of the category concerned (rare earth; edible agricultural products or
//! agricultural inputs), and for a designation or quota only when competent for the enterprise,
//! which must be registered for rare earth.

use registry::RegistryError;
use registry::db::DbConn;
use registry::departments::Category;
use registry::departments::find_department;
use registry::enterprises::{load_enterprise, require_jurisdiction};
use registry::error::Code;
use registry::identity::{Actor, Role};
use registry::intake::agri::{self, BannedInput, NewBannedInput};
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

/// Puts an input on the agricultural banned list.
pub fn ban_input(
    core: &Core,
    caller: &Caller,
    new: &NewBannedInput,
) -> Result<BannedInput, ApiError> {
    audited_as(core, caller, "agri.ban_input", |conn, now, actor| {
        of_category(conn, actor, &[Category::EdibleAgri, Category::AgriInputs])?;
        let banned = agri::ban_input(conn, now, &actor.username, new)?;
        let detail = json!({ "name": banned.name, "reason": banned.reason });
        let target = format!("banned_input:{}", banned.registration_number);
        Ok::<_, ApiError>(Change::recorded(banned, target, detail))
    })
}

/// An officer's department has one of `categories` (administrators pass).
fn of_category(
    conn: &mut DbConn,
    actor: &Actor,
    categories: &[Category],
) -> Result<(), RegistryError> {
    let Some(department) = actor.department_id.filter(|_| actor.role == Role::Officer) else {
        return Ok(());
    };
    let department = find_department(conn, department)?;
    if department.categories.iter().any(|c| categories.contains(c)) {
        Ok(())
    } else {
        Err(RegistryError::denied(
            Code::OutsideJurisdiction,
            "this is for a department of another category",
        ))
    }
}

/// The actor is competent for enterprise `id`, which is registered for rare earth, and acts
/// for a rare-earth department.
fn competent(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<(), RegistryError> {
    let enterprise = load_enterprise(conn, id).map_err(|_| {
        RegistryError::invalid(
            Code::UnknownEnterprise,
            "enterprise_id",
            "no such enterprise",
        )
    })?;
    of_category(conn, actor, &[Category::RareEarth])?;
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

//! User accounts: creation (administrators, the operator) and (de)activation.

use registry::error::Code;
use registry::identity::{self, NewUser, User};
use serde_json::json;

use super::{Caller, Change, Origin, audited, audited_as};
use crate::app::Core;
use crate::error::ApiError;

/// Creates a user.
pub fn create(core: &Core, origin: &Origin, new: &NewUser) -> Result<User, ApiError> {
    audited(core, origin, "user.create", |conn, now| {
        let user = identity::create_user(conn, now, new)?;
        let detail = json!({ "username": user.username, "role": user.role, "department_id": user.department_id, "enterprise_id": user.enterprise_id, "category": user.category });
        let target = format!("user:{}", user.id);
        Ok(Change::recorded(user, target, detail))
    })
}

/// Activates or deactivates a user (a deactivated user's sessions end and tokens stop
/// working). Administrators cannot deactivate themselves.
pub fn set_active(core: &Core, caller: &Caller, id: i64, active: bool) -> Result<User, ApiError> {
    if caller.actor.user_id == id && !active {
        return Err(ApiError::new(
            Code::CannotDeactivateSelf,
            "administrators cannot deactivate themselves",
        ));
    }
    let action = if active {
        "user.activate"
    } else {
        "user.deactivate"
    };
    audited_as(core, caller, action, |conn, now, _| {
        let user = identity::set_user_active(conn, now, id, active)?;
        Ok(Change::recorded(
            user,
            format!("user:{id}"),
            json!({ "active": active }),
        ))
    })
}

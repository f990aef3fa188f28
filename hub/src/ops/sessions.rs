//! Signing in with a password and signing out. A failed attempt is counted for the rate limit
//! (outside any transaction, so a refusal still counts) but not audited; a session opened or
//! ended is.

use registry::error::Code;
use registry::identity::{self, Actor, AuthMethod, LoginPolicy, Session, User};
use serde_json::json;

use super::{Caller, Change, Origin, Request, audited, audited_as};
use crate::app::Core;
use crate::error::ApiError;

/// Checks the rate limit and the password of `username` from `client` (a keyed address hash),
/// and opens a session recorded as the user.
pub fn sign_in(
    core: &Core,
    request: &Request,
    username: &str,
    password: &str,
    client: &str,
) -> Result<(User, Session), ApiError> {
    let security = &core.config.security;
    let policy = LoginPolicy {
        max_failures: security.login_max_failures,
        window: chrono::Duration::minutes(security.login_window_minutes),
    };
    let ttl = chrono::Duration::minutes(security.session_ttl_minutes);
    let now = request.now;
    let user = {
        let mut conn = core.db.conn()?;
        identity::check_login_allowed(&mut conn, now, &policy, username, client)?;
        match identity::authenticate(&mut conn, username, password) {
            Ok(user) => user,
            Err(e) => {
                identity::record_login_attempt(&mut conn, now, username, client, false)?;
                return Err(ApiError::new(Code::InvalidCredentials, e.to_string()));
            }
        }
    };
    let by = Actor::for_user(&user, AuthMethod::Session).audit_name();
    let origin = Origin {
        by,
        request: request.clone(),
    };
    audited(core, &origin, "session.create", |conn, now| {
        identity::record_login_attempt(conn, now, username, client, true)?;
        let session = identity::create_session(conn, now, &user, ttl)?;
        let target = format!("user:{}", user.id);
        Ok(Change::recorded((user, session), target, json!({})))
    })
}

/// Ends the caller's session (by its cookie's value).
pub fn end(core: &Core, caller: &Caller, cookie_value: &str) -> Result<(), ApiError> {
    audited_as(core, caller, "session.delete", |conn, _, actor| {
        identity::delete_session(conn, cookie_value)?;
        Ok(Change::recorded(
            (),
            format!("user:{}", actor.user_id),
            json!({}),
        ))
    })
}

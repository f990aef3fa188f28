//! Portal sessions: a random cookie value, stored only as its SHA-256 digest, with an expiry.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::users::{User, find_user};
use super::{Actor, AuthMethod};
use crate::db::DbConn;
use crate::error::Result;
use crate::schema::sessions;
use crate::secret::{random_token, sha256_hex};

/// A new session: the cookie value (shown once) and when it ends.
#[derive(Debug, Clone)]
pub struct Session {
    pub cookie_value: String,
    pub expires_at: NaiveDateTime,
}

/// Opens a session for `user`, valid for `ttl`.
pub fn create_session(
    conn: &mut DbConn,
    now: NaiveDateTime,
    user: &User,
    ttl: Duration,
) -> Result<Session> {
    let cookie_value = random_token("ths_");
    let expires_at = now + ttl;
    diesel::insert_into(sessions::table)
        .values((
            sessions::user_id.eq(user.id),
            sessions::token_hash.eq(sha256_hex(cookie_value.as_bytes())),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    // Housekeeping: expired sessions of anyone are of no use.
    diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(conn)?;
    Ok(Session {
        cookie_value,
        expires_at,
    })
}

/// The actor behind a session cookie, if the session exists, has not expired and its user is
/// still active.
pub fn session_user(
    conn: &mut DbConn,
    now: NaiveDateTime,
    cookie_value: &str,
) -> Result<Option<Actor>> {
    let found: Option<(i64, NaiveDateTime)> = sessions::table
        .filter(sessions::token_hash.eq(sha256_hex(cookie_value.as_bytes())))
        .select((sessions::user_id, sessions::expires_at))
        .first(conn)
        .optional()?;
    let Some((user_id, expires_at)) = found else {
        return Ok(None);
    };
    if expires_at <= now {
        return Ok(None);
    }
    let user = find_user(conn, user_id)?;
    Ok(user
        .active
        .then(|| Actor::for_user(&user, AuthMethod::Session)))
}

/// Ends a session (logout). Ending an unknown session is not an error.
pub fn delete_session(conn: &mut DbConn, cookie_value: &str) -> Result<()> {
    diesel::delete(
        sessions::table.filter(sessions::token_hash.eq(sha256_hex(cookie_value.as_bytes()))),
    )
    .execute(conn)?;
    Ok(())
}

//! The limit on login attempts: too many failures for one username, or from one client, within
//! a window, and further attempts are refused until the window has passed. Kept in the database
//! so that every replica enforces the same limit.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::error::{RegistryError, Result};
use crate::schema::login_attempts;

/// How many failures are allowed within how long.
#[derive(Debug, Clone, Copy)]
pub struct LoginPolicy {
    pub max_failures: u32,
    pub window: Duration,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        Self {
            max_failures: 5,
            window: Duration::minutes(15),
        }
    }
}

/// Refuses with [`RegistryError::RateLimited`] when the username or the client has failed too
/// often within the window.
pub fn check_login_allowed(
    conn: &mut DbConn,
    now: NaiveDateTime,
    policy: &LoginPolicy,
    username: &str,
    client_hash: &str,
) -> Result<()> {
    let since = now - policy.window;
    let failures = |conn: &mut DbConn, by_user: bool| -> Result<i64> {
        let query = login_attempts::table
            .filter(login_attempts::succeeded.eq(false))
            .filter(login_attempts::at.gt(since))
            .into_boxed();
        let query = if by_user {
            query.filter(login_attempts::username.eq(username))
        } else {
            query.filter(login_attempts::client_hash.eq(client_hash))
        };
        Ok(query.count().get_result(conn)?)
    };
    let limit = i64::from(policy.max_failures);
    if failures(conn, true)? >= limit || failures(conn, false)? >= limit * 4 {
        return Err(RegistryError::RateLimited {
            retry_after_secs: u64::try_from(policy.window.num_seconds()).unwrap_or(900),
        });
    }
    Ok(())
}

/// Records an attempt; a success clears the username's earlier failures.
pub fn record_login_attempt(
    conn: &mut DbConn,
    now: NaiveDateTime,
    username: &str,
    client_hash: &str,
    succeeded: bool,
) -> Result<()> {
    if succeeded {
        diesel::delete(
            login_attempts::table
                .filter(login_attempts::username.eq(username))
                .filter(login_attempts::succeeded.eq(false)),
        )
        .execute(conn)?;
    }
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::username.eq(username),
            login_attempts::client_hash.eq(client_hash),
            login_attempts::succeeded.eq(succeeded),
            login_attempts::at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

//! The outbox: everything that leaves the hub (notices, exchanges, e-mails) is enqueued here in
//! the same transaction as the change that causes it, so that nothing is sent for a change that
//! rolled back and nothing is lost for one that committed. Workers claim one job at a time with a
//! lease (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so replicas never take the same job; SQLite: the
//! single writer), retry with exponential back-off, and keep the finished row as the record of
//! delivery. A job whose worker died is claimed again when its lease runs out.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::{Db, DbConn};
use crate::error::Code;
use crate::error::{RegistryError, Result};
use crate::schema::outbox;

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    /// What to do, e.g. `notice.email`, `exchange.push`.
    pub kind: &'a str,
    /// What the worker needs, as JSON.
    pub payload: serde_json::Value,
    /// At most one job per key: enqueueing the same key again does nothing.
    pub dedupe_key: Option<&'a str>,
    /// The GS1 company prefix the job concerns ('' when none), for sharding later.
    pub company_prefix: &'a str,
    /// Attempts before the job is given up as dead.
    pub max_attempts: i32,
    /// Not before this time (none: now).
    pub run_after: Option<NaiveDateTime>,
}

/// A claimed job.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = outbox)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub dedupe_key: Option<String>,
    pub company_prefix: String,
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    #[serde(with = "crate::time::as_rfc3339")]
    pub run_after: NaiveDateTime,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    #[serde(with = "crate::time::as_rfc3339")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub finished_at: Option<NaiveDateTime>,
}

/// Enqueues a job inside the caller's transaction, created `now`. Returns its id, or `None` when
/// a job with the same dedupe key exists.
pub fn enqueue(conn: &mut DbConn, now: NaiveDateTime, job: &NewJob<'_>) -> Result<Option<i64>> {
    if job.kind.is_empty() || job.max_attempts < 1 {
        return Err(RegistryError::invalid(
            Code::InvalidJob,
            "kind",
            "a job needs a kind and at least one attempt",
        ));
    }
    let values = (
        outbox::kind.eq(job.kind),
        outbox::payload.eq(job.payload.to_string()),
        outbox::dedupe_key.eq(job.dedupe_key),
        outbox::company_prefix.eq(job.company_prefix),
        outbox::status.eq("queued"),
        outbox::max_attempts.eq(job.max_attempts),
        outbox::run_after.eq(job.run_after.unwrap_or(now)),
        outbox::created_at.eq(now),
    );
    // A duplicate key must not abort the caller's transaction, so the conflict is avoided in SQL.
    let id = match conn {
        DbConn::Pg(pg) => diesel::insert_into(outbox::table)
            .values(values)
            .on_conflict(outbox::dedupe_key)
            .do_nothing()
            .returning(outbox::id)
            .get_result(pg)
            .optional()?,
        DbConn::Sqlite(lite) => diesel::insert_or_ignore_into(outbox::table)
            .values(values)
            .returning(outbox::id)
            .get_result(lite)
            .optional()?,
    };
    Ok(id)
}

/// Claims the oldest ready job of one of `kinds` for `lease`; `None` when there is nothing to do.
pub fn claim(db: &Db, kinds: &[&str], lease: Duration) -> Result<Option<Job>> {
    let now = db.clock().now();
    db.transaction(|conn| {
        let ready = outbox::kind.eq_any(kinds).and(
            outbox::status
                .eq("queued")
                .and(outbox::run_after.le(now))
                .or(outbox::status
                    .eq("running")
                    .and(outbox::locked_until.lt(now))),
        );
        let candidate: Option<i64> = match conn {
            DbConn::Pg(pg) => outbox::table
                .filter(ready)
                .order(outbox::id)
                .select(outbox::id)
                .for_update()
                .skip_locked()
                .first(pg)
                .optional()?,
            DbConn::Sqlite(lite) => outbox::table
                .filter(ready)
                .order(outbox::id)
                .select(outbox::id)
                .first(lite)
                .optional()?,
        };
        let Some(id) = candidate else {
            return Ok(None);
        };
        diesel::update(outbox::table.find(id))
            .set((
                outbox::status.eq("running"),
                outbox::attempts.eq(outbox::attempts + 1),
                outbox::locked_until.eq(now + lease),
            ))
            .execute(conn)?;
        Ok(Some(
            outbox::table
                .find(id)
                .select(Job::as_select())
                .first(conn)?,
        ))
    })
}

/// Marks a claimed job delivered.
pub fn complete(db: &Db, id: i64) -> Result<()> {
    let now = db.clock().now();
    db.transaction(|conn| {
        diesel::update(outbox::table.find(id))
            .set((
                outbox::status.eq("done"),
                outbox::locked_until.eq(None::<NaiveDateTime>),
                outbox::finished_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// What became of a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Queued again, not before this time.
    RetryAt(NaiveDateTime),
    /// Out of attempts: kept as `dead` for an operator to look at.
    Dead,
}

/// The wait before attempt `attempts + 1`: 30 s doubling, at most 6 hours.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(10);
    Duration::seconds((30_i64 << exponent).min(6 * 3600))
}

/// Records a failed attempt: retried after [`backoff`], or dead after its last attempt.
pub fn fail(db: &Db, id: i64, error: &str) -> Result<AfterFailure> {
    let now = db.clock().now();
    db.transaction(|conn| {
        let (attempts, max_attempts): (i32, i32) = outbox::table
            .find(id)
            .select((outbox::attempts, outbox::max_attempts))
            .first(conn)?;
        let error: String = error.chars().take(2000).collect();
        let outcome = if attempts >= max_attempts {
            diesel::update(outbox::table.find(id))
                .set((
                    outbox::status.eq("dead"),
                    outbox::last_error.eq(&error),
                    outbox::finished_at.eq(now),
                ))
                .execute(conn)?;
            AfterFailure::Dead
        } else {
            let at = now + backoff(attempts);
            diesel::update(outbox::table.find(id))
                .set((
                    outbox::status.eq("queued"),
                    outbox::run_after.eq(at),
                    outbox::locked_until.eq(None::<NaiveDateTime>),
                    outbox::last_error.eq(&error),
                ))
                .execute(conn)?;
            AfterFailure::RetryAt(at)
        };
        Ok(outcome)
    })
}

/// Ends a claimed job as dead at once, whatever attempts are left: for a permanent refusal
/// (a mail server's 5xx) that no retry can change.
pub fn give_up(db: &Db, id: i64, error: &str) -> Result<()> {
    let error: String = error.chars().take(2000).collect();
    let now = db.clock().now();
    db.transaction(|conn| {
        diesel::update(outbox::table.find(id))
            .set((
                outbox::status.eq("dead"),
                outbox::locked_until.eq(None::<NaiveDateTime>),
                outbox::last_error.eq(&error),
                outbox::finished_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// Jobs of `kinds` not finished yet (queued or running).
pub fn pending(conn: &mut DbConn, kinds: &[&str]) -> Result<i64> {
    Ok(outbox::table
        .filter(outbox::kind.eq_any(kinds))
        .filter(outbox::status.eq_any(["queued", "running"]))
        .count()
        .get_result(conn)?)
}

/// Jobs of `kinds` given up as dead.
pub fn dead(conn: &mut DbConn, kinds: &[&str]) -> Result<i64> {
    Ok(outbox::table
        .filter(outbox::kind.eq_any(kinds))
        .filter(outbox::status.eq("dead"))
        .count()
        .get_result(conn)?)
}

/// A job by id.
pub fn find(conn: &mut DbConn, id: i64) -> Result<Job> {
    outbox::table
        .find(id)
        .select(Job::as_select())
        .first(conn)
        .optional()?
        .ok_or(RegistryError::NotFound { entity: "job" })
}

#[cfg(test)]
mod tests;

//! Subscriptions to named queries (`/epcis/queries/{name}/subscriptions`): the query's results
//! pushed to a webhook, either as events arrive (`stream`) or on a [`schedule`].
//!
//! What is new to a subscription is counted in captures, not in times: every capture that
//! stores events adds a backlog row (subscription, capture job) for every subscription, in the
//! capture's own transaction ([`note_capture`]), so a capture that committed is reported and
//! one that rolled back is not, however long its transaction ran. A run ([`take_backlog`],
//! [`consume`]) takes the backlog, queries those captures' events with the owner's scope of
//! the moment, enqueues the deliveries in the outbox and removes the backlog rows in one
//! transaction: each result is delivered once, and a run repeated finds nothing left. The
//! subscription row is locked for the run, so two workers never run one subscription at once.
//!
//! `initialRecordTime` in the past puts the captures recorded since then in the backlog at
//! once. Deleting a named query deletes its subscriptions.

pub mod schedule;

use chrono::NaiveDateTime;
use diesel::dsl::{exists, select};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::db::DbConn;
use crate::epcis::Event;
use crate::error::{RegistryError, Result};
use crate::outbox::{self, NewJob};
use crate::schema::{
    capture_jobs, epcis_events, epcis_subscription_backlog as backlog, epcis_subscriptions,
};

pub use schedule::QuerySchedule;

/// Outbox job: run the stream subscriptions after a capture (payload `{"capture": id}`).
pub const STREAM_JOB: &str = "epcis.subscriptions.stream";
/// Outbox job: run one scheduled subscription (payload `{"subscription": id, "slot": ...}`).
pub const RUN_JOB: &str = "epcis.subscription.run";
/// Outbox job: deliver one result document to a webhook.
pub const DELIVER_JOB: &str = "epcis.subscription.deliver";

/// A subscription.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = epcis_subscriptions)]
pub struct Subscription {
    /// Row id.
    pub id: i64,
    /// The public identifier (a UUID).
    pub subscription_id: String,
    /// The user whose query it is (and whose scope it reads with).
    pub owner_id: i64,
    /// The named query.
    pub query_id: i64,
    /// The webhook.
    pub dest: String,
    /// The client's signature token, sealed by the hub (never shown).
    pub signature_token: Option<String>,
    /// Deliver an empty result of a scheduled run too.
    pub report_if_empty: bool,
    /// Report as captures arrive.
    pub stream: bool,
    /// The schedule as given (JSON), for a scheduled one.
    pub schedule: Option<String>,
    /// The schedule's cron expression.
    pub cron: Option<String>,
    /// The next slot of a scheduled one (UTC).
    pub next_run_at: Option<NaiveDateTime>,
    /// Captures recorded since this time were reported at once.
    pub initial_record_time: Option<NaiveDateTime>,
    /// When it was made (UTC).
    pub created_at: NaiveDateTime,
    /// When a result was last handed to the outbox (UTC).
    pub last_notified_at: Option<NaiveDateTime>,
}

/// A subscription to make.
#[derive(Debug, Clone)]
pub struct NewSubscription<'a> {
    pub owner_id: i64,
    pub query_id: i64,
    pub dest: &'a str,
    pub sealed_token: Option<&'a str>,
    pub report_if_empty: bool,
    /// `Some` for a scheduled one: the schedule, already checked.
    pub schedule: Option<&'a QuerySchedule>,
    pub initial_record_time: Option<NaiveDateTime>,
}

/// The next slot of a cron expression after `now`.
fn next_slot(cron: &str, now: NaiveDateTime) -> Result<Option<NaiveDateTime>> {
    let schedule: cron::Schedule = cron
        .parse()
        .map_err(|e| RegistryError::Config(format!("stored schedule {cron:?}: {e}")))?;
    Ok(schedule.after(&now.and_utc()).next().map(|t| t.naive_utc()))
}

/// Makes a subscription (its public id a fresh UUID); with an `initial_record_time` in the
/// past, the captures recorded since then wait in its backlog (and a stream one runs at once).
pub fn create(
    conn: &mut DbConn,
    now: NaiveDateTime,
    new: &NewSubscription<'_>,
) -> Result<Subscription> {
    let public_id = crate::secret::random_uuid();
    let (schedule, cron, next_run_at) = match new.schedule {
        Some(s) => {
            let cron = s.cron()?;
            let next = next_slot(&cron, now)?;
            let json =
                serde_json::to_string(s).map_err(|e| RegistryError::Config(e.to_string()))?;
            (Some(json), Some(cron), next)
        }
        None => (None, None, None),
    };
    let id: i64 = diesel::insert_into(epcis_subscriptions::table)
        .values((
            epcis_subscriptions::subscription_id.eq(&public_id),
            epcis_subscriptions::owner_id.eq(new.owner_id),
            epcis_subscriptions::query_id.eq(new.query_id),
            epcis_subscriptions::dest.eq(new.dest),
            epcis_subscriptions::signature_token.eq(new.sealed_token),
            epcis_subscriptions::report_if_empty.eq(new.report_if_empty),
            epcis_subscriptions::stream.eq(new.schedule.is_none()),
            epcis_subscriptions::schedule.eq(schedule),
            epcis_subscriptions::cron.eq(cron),
            epcis_subscriptions::next_run_at.eq(next_run_at),
            epcis_subscriptions::initial_record_time.eq(new.initial_record_time),
            epcis_subscriptions::created_at.eq(now),
        ))
        .returning(epcis_subscriptions::id)
        .get_result(conn)?;
    if let Some(since) = new.initial_record_time {
        let earlier = capture_jobs::table
            .filter(capture_jobs::created_at.ge(since))
            .filter(capture_jobs::stored_count.gt(0))
            .select((id.into_sql::<BigInt>(), capture_jobs::id));
        let added = diesel::insert_into(backlog::table)
            .values(earlier)
            .into_columns((backlog::subscription_id, backlog::capture_job_id))
            .execute(conn)?;
        if added > 0 && new.schedule.is_none() {
            enqueue_stream(conn, now, &format!("subscription:{public_id}"))?;
        }
    }
    find_row(conn, id)?.ok_or(RegistryError::NotFound {
        entity: "subscription",
    })
}

/// A subscription by row id, if it still exists.
pub fn find_row(conn: &mut DbConn, id: i64) -> Result<Option<Subscription>> {
    Ok(epcis_subscriptions::table
        .find(id)
        .select(Subscription::as_select())
        .first(conn)
        .optional()?)
}

/// The subscriptions on one named query, oldest first.
pub fn list(conn: &mut DbConn, query_id: i64) -> Result<Vec<Subscription>> {
    Ok(epcis_subscriptions::table
        .filter(epcis_subscriptions::query_id.eq(query_id))
        .order(epcis_subscriptions::id)
        .select(Subscription::as_select())
        .load(conn)?)
}

/// One subscription on a named query, by its public id.
pub fn find(conn: &mut DbConn, query_id: i64, public_id: &str) -> Result<Option<Subscription>> {
    Ok(epcis_subscriptions::table
        .filter(epcis_subscriptions::query_id.eq(query_id))
        .filter(epcis_subscriptions::subscription_id.eq(public_id))
        .select(Subscription::as_select())
        .first(conn)
        .optional()?)
}

/// Deletes a subscription and its backlog (deliveries already enqueued find it gone and drop).
pub fn delete(conn: &mut DbConn, id: i64) -> Result<()> {
    diesel::delete(backlog::table.filter(backlog::subscription_id.eq(id))).execute(conn)?;
    diesel::delete(epcis_subscriptions::table.find(id)).execute(conn)?;
    Ok(())
}

/// Deletes every subscription on a named query (when the query is deleted).
pub fn delete_for_query(conn: &mut DbConn, query_id: i64) -> Result<()> {
    let ids: Vec<i64> = epcis_subscriptions::table
        .filter(epcis_subscriptions::query_id.eq(query_id))
        .select(epcis_subscriptions::id)
        .load(conn)?;
    for id in ids {
        delete(conn, id)?;
    }
    Ok(())
}

fn enqueue_stream(conn: &mut DbConn, now: NaiveDateTime, key: &str) -> Result<()> {
    let dedupe = format!("{STREAM_JOB}:{key}");
    outbox::enqueue(
        conn,
        now,
        &NewJob {
            kind: STREAM_JOB,
            payload: serde_json::json!({ "after": key }),
            dedupe_key: Some(&dedupe),
            company_prefix: "",
            max_attempts: 10,
            run_after: None,
        },
    )?;
    Ok(())
}

/// In a capture's transaction, after it stored events: the capture joins every
/// subscription's backlog, and the stream subscriptions are run after it commits.
pub fn note_capture(conn: &mut DbConn, now: NaiveDateTime, capture_job_id: i64) -> Result<()> {
    let everyone = epcis_subscriptions::table
        .select((epcis_subscriptions::id, capture_job_id.into_sql::<BigInt>()));
    let added = diesel::insert_into(backlog::table)
        .values(everyone)
        .into_columns((backlog::subscription_id, backlog::capture_job_id))
        .execute(conn)?;
    if added == 0 {
        return Ok(());
    }
    let streaming: bool = select(exists(
        epcis_subscriptions::table.filter(epcis_subscriptions::stream.eq(true)),
    ))
    .get_result(conn)?;
    if streaming {
        enqueue_stream(conn, now, &format!("capture:{capture_job_id}"))?;
    }
    Ok(())
}

/// The stream subscriptions with captures waiting.
pub fn streams_waiting(conn: &mut DbConn) -> Result<Vec<i64>> {
    Ok(epcis_subscriptions::table
        .filter(epcis_subscriptions::stream.eq(true))
        .filter(exists(
            backlog::table.filter(backlog::subscription_id.eq(epcis_subscriptions::id)),
        ))
        .order(epcis_subscriptions::id)
        .select(epcis_subscriptions::id)
        .load(conn)?)
}

/// In a run's transaction: locks the subscription (PostgreSQL: `FOR UPDATE`; SQLite's writer
/// holds the database) and returns it with up to `limit` waiting captures, oldest first; `None`
/// when it was deleted.
pub fn take_backlog(
    conn: &mut DbConn,
    id: i64,
    limit: i64,
) -> Result<Option<(Subscription, Vec<i64>)>> {
    let found = match conn {
        DbConn::Pg(pg) => epcis_subscriptions::table
            .find(id)
            .select(Subscription::as_select())
            .for_update()
            .first(pg)
            .optional()?,
        DbConn::Sqlite(_) => find_row(conn, id)?,
    };
    let Some(subscription) = found else {
        return Ok(None);
    };
    let captures = backlog::table
        .filter(backlog::subscription_id.eq(id))
        .order(backlog::capture_job_id)
        .limit(limit)
        .select(backlog::capture_job_id)
        .load(conn)?;
    Ok(Some((subscription, captures)))
}

/// In the same transaction: the captures were reported (`notified`: a delivery was enqueued).
pub fn consume(
    conn: &mut DbConn,
    now: NaiveDateTime,
    id: i64,
    captures: &[i64],
    notified: bool,
) -> Result<()> {
    diesel::delete(
        backlog::table
            .filter(backlog::subscription_id.eq(id))
            .filter(backlog::capture_job_id.eq_any(captures)),
    )
    .execute(conn)?;
    if notified {
        diesel::update(epcis_subscriptions::table.find(id))
            .set(epcis_subscriptions::last_notified_at.eq(now))
            .execute(conn)?;
    }
    Ok(())
}

/// The stored events of these rows, in the order given (rows that are gone are left out).
pub fn events_of(conn: &mut DbConn, rows: &[i64]) -> Result<Vec<Event>> {
    let found: Vec<(i64, String, Option<Vec<u8>>)> = epcis_events::table
        .filter(epcis_events::id.eq_any(rows))
        .select((
            epcis_events::id,
            epcis_events::body,
            epcis_events::body_zstd,
        ))
        .load(conn)?;
    let mut by_row = std::collections::HashMap::with_capacity(found.len());
    for (row, text, packed) in found {
        let event = Event::from_internal_json(&super::body::unpack(text, packed)?)
            .map_err(|e| RegistryError::Config(format!("stored event {row} is unreadable: {e}")))?;
        by_row.insert(row, event);
    }
    Ok(rows.iter().filter_map(|r| by_row.remove(r)).collect())
}

/// Whether a scheduled subscription's slot has come (a read, before [`enqueue_due`] writes).
pub fn any_due(conn: &mut DbConn, now: NaiveDateTime) -> Result<bool> {
    Ok(select(exists(
        epcis_subscriptions::table.filter(epcis_subscriptions::next_run_at.le(now)),
    ))
    .get_result(conn)?)
}

/// Scheduled subscriptions whose slot has come: for each, a run job for that slot is enqueued
/// (once per slot, whatever the replicas) and the next slot after `now` set (slots missed
/// while the hub was down are not run one by one: the next run reports all that waited).
pub fn enqueue_due(conn: &mut DbConn, now: NaiveDateTime) -> Result<usize> {
    let due: Vec<(i64, String, NaiveDateTime)> = epcis_subscriptions::table
        .filter(epcis_subscriptions::next_run_at.le(now))
        .select((
            epcis_subscriptions::id,
            epcis_subscriptions::cron.assume_not_null(),
            epcis_subscriptions::next_run_at.assume_not_null(),
        ))
        .load(conn)?;
    for (id, cron, slot) in &due {
        let slot = slot.and_utc().to_rfc3339();
        let key = format!("{RUN_JOB}:{id}:{slot}");
        outbox::enqueue(
            conn,
            now,
            &NewJob {
                kind: RUN_JOB,
                payload: serde_json::json!({ "subscription": id, "slot": slot }),
                dedupe_key: Some(&key),
                company_prefix: "",
                max_attempts: 10,
                run_after: None,
            },
        )?;
        diesel::update(epcis_subscriptions::table.find(*id))
            .set(epcis_subscriptions::next_run_at.eq(next_slot(cron, now)?))
            .execute(conn)?;
    }
    Ok(due.len())
}

//! Subscription jobs (`registry::events::subscriptions`): runs turn a subscription's waiting
//! captures into deliveries, deliveries POST one EPCISQueryDocument each to the webhook.
//!
//! - `epcis.subscriptions.stream` (after a capture) runs every stream subscription with
//!   captures waiting; `epcis.subscription.run` (a scheduled slot) runs one subscription.
//!   A run queries the waiting captures' events with the named query and the owner's scope of
//!   the moment, [`EVENTS_PER_DELIVERY`] events per delivery, and in the same transaction
//!   enqueues the deliveries and removes the captures from the backlog: each result is handed
//!   over once. A scheduled run with nothing new delivers an empty document only when the
//!   subscription asked for `reportIfEmpty`. An owner who was deactivated gets nothing.
//! - `epcis.subscription.deliver` renders the document from the stored events (immutable, so a
//!   retry sends the same events) and POSTs it with `GS1-Signature: sha256=<hex>` (HMAC-SHA256
//!   of the body under the client's signature token), `GS1-Subscription-ID`, `GS1-Query-Name`
//!   and `GS1-Delivery-ID` (the same on every attempt of one delivery, for the receiver to drop
//!   a repeat). A 2xx answer ends it; 410 Gone ends it for good; anything else (the receiver
//!   down, a 5xx) is retried with the outbox's back-off. Redirects are not followed. A
//!   subscription deleted meanwhile drops its deliveries.

use std::time::Duration;

use chrono::NaiveDateTime;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::sign::Signer;
use registry::db::DbConn;
use registry::epcis::{DocumentHeader, DocumentKind};
use registry::events::named;
use registry::events::policy::read_scope;
use registry::events::query::query_events;
use registry::events::subscriptions::{self as subs, DELIVER_JOB, Subscription};
use registry::identity::{Actor, AuthMethod, find_user};
use registry::outbox::{Job, NewJob};
use reports::epcis::json::JsonEpcisWriter;
use serde::{Deserialize, Serialize};

use super::Failure;
use crate::app::AppState;
use crate::error::ApiError;
use crate::ops::epcis_subscriptions::open;

/// Captures a run takes at most (a larger backlog runs again at once).
pub const CAPTURES_PER_RUN: i64 = 200;
/// Events per delivered document at most.
pub const EVENTS_PER_DELIVERY: i64 = 1000;
/// Attempts of one delivery: with the outbox's back-off (30 s doubling to 6 h), about four
/// days of a receiver down.
const DELIVERY_ATTEMPTS: i32 = 24;

/// The HTTP client of webhooks: bounded times, no redirects.
pub fn client() -> Result<reqwest::blocking::Client, String> {
    reqwest::blocking::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("tracehub/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot set up the webhook client: {e}"))
}

#[derive(Debug, Serialize, Deserialize)]
struct Delivery {
    subscription: i64,
    /// `GS1-Delivery-ID`.
    id: String,
    /// Event rows, in result order (empty: an empty result reported).
    events: Vec<i64>,
}

#[derive(Debug, Deserialize)]
struct Scheduled {
    subscription: i64,
}

fn retry(e: impl std::fmt::Display) -> Failure {
    Failure::Retry(e.to_string())
}

/// `epcis.subscriptions.stream`: every stream subscription with captures waiting.
pub(super) fn stream(state: &AppState) -> Result<(), Failure> {
    let waiting = {
        let mut conn = state.db.conn().map_err(retry)?;
        subs::streams_waiting(&mut conn).map_err(retry)?
    };
    for id in waiting {
        run(state, id, false)?;
    }
    Ok(())
}

/// `epcis.subscription.run`: one scheduled subscription's slot.
pub(super) fn scheduled(state: &AppState, job: &Job) -> Result<(), Failure> {
    let slot: Scheduled = serde_json::from_str(&job.payload)
        .map_err(|e| Failure::GiveUp(format!("not a run job: {e}")))?;
    run(state, slot.subscription, true)
}

fn run(state: &AppState, id: i64, scheduled: bool) -> Result<(), Failure> {
    let mut first = true;
    loop {
        let report_empty = scheduled && first;
        let more = state
            .db
            .transaction(|conn| run_once(conn, state.now(), id, report_empty))
            .map_err(|e: ApiError| retry(e.message()))?;
        if !more {
            return Ok(());
        }
        first = false;
    }
}

/// One run over up to [`CAPTURES_PER_RUN`] waiting captures; true when more wait.
fn run_once(
    conn: &mut DbConn,
    now: NaiveDateTime,
    id: i64,
    report_empty: bool,
) -> Result<bool, ApiError> {
    let Some((sub, captures)) = subs::take_backlog(conn, id, CAPTURES_PER_RUN)? else {
        return Ok(false);
    };
    let reports_empty = report_empty && sub.report_if_empty;
    if captures.is_empty() && !reports_empty {
        return Ok(false);
    }
    let owner = find_user(conn, sub.owner_id)?;
    let query = named::by_id(conn, sub.query_id)?;
    let (Some(query), true) = (query, owner.active) else {
        tracing::warn!(subscription = %sub.subscription_id, "owner inactive or query gone: nothing reported");
        subs::consume(conn, now, id, &captures, false)?;
        return Ok(false);
    };
    let mut parts = Vec::new();
    if !captures.is_empty() {
        let stored: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&query.query).map_err(ApiError::internal)?;
        let pairs = adapters::epcis::query::pairs_of(&stored)?;
        let extensions = adapters::epcis::query::Extensions::default();
        let mut q = adapters::epcis::query::parse_pairs(pairs, &extensions)?.query;
        q.capture_jobs.clone_from(&captures);
        q.scope = Some(read_scope(
            conn,
            &Actor::for_user(&owner, AuthMethod::Token),
        )?);
        q.limit = EVENTS_PER_DELIVERY;
        q.after = None;
        loop {
            let page = query_events(conn, &q)?;
            if !page.events.is_empty() {
                parts.push(page.events.iter().map(|e| e.row_id).collect::<Vec<_>>());
            }
            match page.next {
                Some(next) => q.after = Some(next),
                None => break,
            }
        }
    }
    if parts.is_empty() && reports_empty {
        parts.push(Vec::new());
    }
    let run_key = match (captures.first(), captures.last()) {
        (Some(a), Some(b)) => format!("{}.{a}-{b}", sub.subscription_id),
        _ => format!(
            "{}.at-{}",
            sub.subscription_id,
            now.and_utc().timestamp_micros()
        ),
    };
    for (n, events) in parts.iter().enumerate() {
        enqueue_delivery(conn, now, &sub, format!("{run_key}.{n}"), events.clone())?;
    }
    subs::consume(conn, now, id, &captures, !parts.is_empty())?;
    Ok(i64::try_from(captures.len()).unwrap_or(i64::MAX) == CAPTURES_PER_RUN)
}

fn enqueue_delivery(
    conn: &mut DbConn,
    now: NaiveDateTime,
    sub: &Subscription,
    id: String,
    events: Vec<i64>,
) -> Result<(), ApiError> {
    let key = format!("{DELIVER_JOB}:{id}");
    let payload = serde_json::to_value(Delivery {
        subscription: sub.id,
        id,
        events,
    })
    .map_err(ApiError::internal)?;
    registry::outbox::enqueue(
        conn,
        now,
        &NewJob {
            kind: DELIVER_JOB,
            payload,
            dedupe_key: Some(&key),
            company_prefix: "",
            max_attempts: DELIVERY_ATTEMPTS,
            run_after: None,
        },
    )?;
    Ok(())
}

/// HMAC-SHA256 of `body` under `token`, as `sha256=<hex>`.
pub fn signature(token: &str, body: &[u8]) -> Result<String, String> {
    let key = PKey::hmac(token.as_bytes()).map_err(|e| e.to_string())?;
    let mut signer = Signer::new(MessageDigest::sha256(), &key).map_err(|e| e.to_string())?;
    let mac = signer
        .sign_oneshot_to_vec(body)
        .map_err(|e| e.to_string())?;
    Ok(format!("sha256={}", hex::encode(mac)))
}

/// The document of one delivery, and the subscription's query name; `None` when the
/// subscription (or its query) is gone.
fn document(
    state: &AppState,
    delivery: &Delivery,
) -> Result<Option<(Subscription, String, Vec<u8>)>, Failure> {
    let mut conn = state.db.conn().map_err(retry)?;
    let Some(sub) = subs::find_row(&mut conn, delivery.subscription).map_err(retry)? else {
        return Ok(None);
    };
    let Some(query) = named::by_id(&mut conn, sub.query_id).map_err(retry)? else {
        return Ok(None);
    };
    let events = subs::events_of(&mut conn, &delivery.events).map_err(retry)?;
    let header = DocumentHeader {
        kind: DocumentKind::QueryDocument {
            query_name: Some(query.name.clone()),
            subscription_id: Some(sub.subscription_id.clone()),
        },
        creation_date: Some(state.db.clock().now_utc().fixed_offset()),
        ..DocumentHeader::default()
    };
    let write = || -> Result<Vec<u8>, reports::epcis::EpcisWriteError> {
        let mut w = JsonEpcisWriter::new(Vec::new(), &header)?;
        for e in &events {
            w.write_event(e)?;
        }
        w.finish()
    };
    let body = write().map_err(|e| Failure::GiveUp(format!("cannot write the document: {e}")))?;
    Ok(Some((sub, query.name, body)))
}

/// The webhook's host, for messages (never its path or credentials).
fn host_of(dest: &str) -> String {
    reqwest::Url::parse(dest)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "the webhook".into())
}

/// `epcis.subscription.deliver`: POSTs one document.
pub(super) fn deliver(
    state: &AppState,
    http: &reqwest::blocking::Client,
    job: &Job,
) -> Result<(), Failure> {
    let delivery: Delivery = serde_json::from_str(&job.payload)
        .map_err(|e| Failure::GiveUp(format!("not a delivery: {e}")))?;
    let Some((sub, query_name, body)) = document(state, &delivery)? else {
        tracing::info!(job = job.id, "subscription gone: delivery dropped");
        return Ok(());
    };
    let mut request = http
        .post(&sub.dest)
        .header("Content-Type", "application/ld+json")
        .header("GS1-EPCIS-Version", "2.0.0")
        .header("GS1-Subscription-ID", &sub.subscription_id)
        .header("GS1-Query-Name", &query_name)
        .header("GS1-Delivery-ID", &delivery.id);
    if let Some(sealed) = &sub.signature_token {
        let token = open(&state.subscription_key, sealed).map_err(Failure::GiveUp)?;
        request = request.header("GS1-Signature", signature(&token, &body).map_err(retry)?);
    }
    let host = host_of(&sub.dest);
    let events = delivery.events.len();
    match request.body(body).send() {
        Ok(answer) if answer.status().is_success() => {
            tracing::info!(job = job.id, subscription = %sub.subscription_id, events, "delivered");
            Ok(())
        }
        Ok(answer) if answer.status() == reqwest::StatusCode::GONE => Err(Failure::GiveUp(
            format!("{host} answered 410 Gone: the receiver ended the subscription"),
        )),
        Ok(answer) => Err(Failure::Retry(format!(
            "{host} answered {}",
            answer.status()
        ))),
        Err(e) => Err(Failure::Retry(format!(
            "cannot reach {host}: {}",
            e.without_url()
        ))),
    }
}

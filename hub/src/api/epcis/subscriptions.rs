//! Subscriptions of the EPCIS REST binding, on the caller's named queries:
//! `POST /epcis/queries/{name}/subscriptions` (a webhook `dest`, an optional `signatureToken`,
//! and `stream: true` or a `schedule`), `GET` the list and one, `DELETE` one. Results reach the
//! webhook through the outbox (`jobs::subscriptions`): once each, retried with back-off while
//! the receiver is down, signed with the token (`GS1-Signature`). The token is never shown
//! again.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDateTime};
use registry::error::Code;
use registry::events::named;
use registry::events::subscriptions::{self, QuerySchedule, Subscription};
use serde::{Deserialize, Serialize};

use crate::api::Json;
use crate::app::{AppState, Auth};
use crate::error::{ApiError, blocking};
use crate::ops::Caller;
use crate::ops::epcis_subscriptions::{self as ops, Subscribe};

/// A subscription to make.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewSubscription {
    /// The webhook: an absolute `https://` URL (results are POSTed there).
    pub dest: String,
    /// A secret of the client's: each delivery carries `GS1-Signature: sha256=<hex>`, the
    /// HMAC-SHA256 of the body under this token.
    pub signature_token: Option<String>,
    /// Deliver a scheduled run's empty result too (default false).
    #[serde(default)]
    pub report_if_empty: bool,
    /// Report as events are captured (instead of a schedule).
    #[serde(default)]
    pub stream: bool,
    /// When to report: `{"hour": "1", "minute": "5"}` (fields `second`, `minute`, `hour`,
    /// `dayOfMonth`, `month`, `dayOfWeek` 1 = Monday; lists `1,5`, ranges `[1-5]`, steps `0/30`).
    pub schedule: Option<QuerySchedule>,
    /// Report the events recorded since this time (RFC 3339) with the first result; default
    /// now.
    pub initial_record_time: Option<String>,
}

/// A subscription as shown (never its token).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionView {
    /// Its identifier.
    #[serde(rename = "subscriptionID")]
    pub subscription_id: String,
    /// The named query.
    pub query_name: String,
    /// The webhook.
    pub dest: String,
    /// Reports as events are captured.
    pub stream: bool,
    /// Its schedule, for a scheduled one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<QuerySchedule>,
    /// Empty results of a scheduled run are delivered too.
    pub report_if_empty: bool,
    /// Whether deliveries are signed.
    pub signed: bool,
    /// As asked for (UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(with = "registry::time::as_rfc3339::option")]
    pub initial_record_time: Option<NaiveDateTime>,
    /// The next scheduled run (UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(with = "registry::time::as_rfc3339::option")]
    pub next_run_at: Option<NaiveDateTime>,
    /// When it was made (UTC).
    #[serde(with = "registry::time::as_rfc3339")]
    pub created_at: NaiveDateTime,
    /// When a result was last handed over for delivery (UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(with = "registry::time::as_rfc3339::option")]
    pub last_notified_at: Option<NaiveDateTime>,
}

fn view(s: Subscription, query_name: &str) -> SubscriptionView {
    SubscriptionView {
        subscription_id: s.subscription_id,
        query_name: query_name.to_owned(),
        dest: s.dest,
        stream: s.stream,
        schedule: s.schedule.and_then(|j| serde_json::from_str(&j).ok()),
        report_if_empty: s.report_if_empty,
        signed: s.signature_token.is_some(),
        initial_record_time: s.initial_record_time,
        next_run_at: s.next_run_at,
        created_at: s.created_at,
        last_notified_at: s.last_notified_at,
    }
}

fn initial_time(text: Option<&str>) -> Result<Option<NaiveDateTime>, ApiError> {
    text.map(|t| {
        DateTime::parse_from_rfc3339(t.trim())
            .map(|t| t.naive_utc())
            .map_err(|e| {
                ApiError::new(
                    Code::InvalidField,
                    format!("initialRecordTime: {t:?} is not an RFC 3339 time: {e}"),
                )
                .with_field("initialRecordTime")
            })
    })
    .transpose()
}

/// Subscribes to one of the caller's named queries; 404 when they have none of that name.
#[utoipa::path(post, path = "/epcis/queries/{name}/subscriptions", tag = "epcis",
    params(("name" = String, Path)), request_body = NewSubscription,
    responses((status = 201, body = SubscriptionView, headers(("Location" = String))),
        (status = 400, body = super::super::ErrorBody), (status = 404, body = super::super::ErrorBody),
        (status = 422, body = super::super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
    Json(body): Json<NewSubscription>,
) -> Result<HttpResponse, ApiError> {
    let input = Subscribe {
        initial_record_time: initial_time(body.initial_record_time.as_deref())?,
        dest: body.dest,
        signature_token: body.signature_token,
        report_if_empty: body.report_if_empty,
        stream: body.stream,
        schedule: body.schedule,
    };
    let name = name.into_inner();
    let query_name = name.clone();
    let made = blocking(move || ops::subscribe(&state, &caller, &query_name, &input)).await?;
    let location = format!(
        "/epcis/queries/{name}/subscriptions/{}",
        made.subscription_id
    );
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(view(made, &name)))
}

/// The subscriptions on the caller's query `name`, or on another's of that name: none.
async fn on_query(
    state: &web::Data<AppState>,
    owner: i64,
    name: String,
) -> Result<(named::NamedQuery, Vec<Subscription>), ApiError> {
    let db = state.db.clone();
    blocking(move || {
        let mut conn = db.conn()?;
        let query =
            named::find(&mut conn, owner, &name)?.ok_or_else(|| ApiError::not_found("query"))?;
        let list = subscriptions::list(&mut conn, query.id)?;
        Ok((query, list))
    })
    .await
}

/// The subscriptions on one of the caller's named queries, oldest first.
#[utoipa::path(get, path = "/epcis/queries/{name}/subscriptions", tag = "epcis",
    params(("name" = String, Path)),
    responses((status = 200, body = Vec<SubscriptionView>), (status = 404, body = super::super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    name: web::Path<String>,
) -> Result<web::Json<Vec<SubscriptionView>>, ApiError> {
    let (query, found) = on_query(&state, actor.user_id, name.into_inner()).await?;
    Ok(web::Json(
        found.into_iter().map(|s| view(s, &query.name)).collect(),
    ))
}

/// One subscription; 404 when the caller's query has none of that identifier.
#[utoipa::path(get, path = "/epcis/queries/{name}/subscriptions/{id}", tag = "epcis",
    params(("name" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = SubscriptionView), (status = 404, body = super::super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn one(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    path: web::Path<(String, String)>,
) -> Result<web::Json<SubscriptionView>, ApiError> {
    let (name, id) = path.into_inner();
    let (query, found) = on_query(&state, actor.user_id, name).await?;
    let one = found
        .into_iter()
        .find(|s| s.subscription_id == id)
        .ok_or_else(|| ApiError::not_found("subscription"))?;
    Ok(web::Json(view(one, &query.name)))
}

/// Unsubscribes; 404 when the caller's query has no such subscription. Deliveries already
/// enqueued are dropped.
#[utoipa::path(delete, path = "/epcis/queries/{name}/subscriptions/{id}", tag = "epcis",
    params(("name" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 404, body = super::super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (name, id) = path.into_inner();
    blocking(move || ops::unsubscribe(&state, &caller, &name, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

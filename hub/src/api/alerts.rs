//! Alerts: read by the competent department (and by the enterprise concerned, and
//! administrators), acknowledged and closed by officers of the competent department.

use actix_web::web;
use registry::alerts::{self, Alert, AlertFilter, HandlingNote};

use super::{ApiError, Json, blocking};
use crate::app::{AppState, Auth};
use crate::ops::alerts::Handling;
use crate::ops::{self, Caller};

/// The alerts the caller may see, newest first: officers those of their jurisdiction (region
/// under their department's, category regulated by it or none), enterprises their own,
/// administrators all.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts", params(AlertFilter),
    responses((status = 200, body = [Alert]), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    filter: web::Query<AlertFilter>,
) -> Result<web::Json<Vec<Alert>>, ApiError> {
    let filter = filter.into_inner();
    let db = state.db.clone();
    let list =
        blocking(move || Ok(alerts::list_alerts(&mut *db.conn()?, &actor, &filter)?)).await?;
    Ok(web::Json(list))
}

/// One alert, if the caller may see it.
#[utoipa::path(get, path = "/api/v1/alerts/{id}", tag = "alerts", params(("id" = i64, Path)),
    responses((status = 200, body = Alert), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Alert>, ApiError> {
    let id = id.into_inner();
    let db = state.db.clone();
    let alert =
        blocking(move || Ok(alerts::find_visible_alert(&mut *db.conn()?, &actor, id)?)).await?;
    Ok(web::Json(alert))
}

/// Takes up an open alert, with a note (officers of the competent department).
#[utoipa::path(post, path = "/api/v1/alerts/{id}/acknowledge", tag = "alerts", params(("id" = i64, Path)),
    request_body = HandlingNote,
    responses((status = 200, body = Alert), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn acknowledge(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<HandlingNote>,
) -> Result<web::Json<Alert>, ApiError> {
    handle(
        state,
        caller,
        id.into_inner(),
        body.0,
        Handling::Acknowledge,
    )
    .await
}

/// Closes an alert, with a note saying how it was dealt with (officers of the competent
/// department).
#[utoipa::path(post, path = "/api/v1/alerts/{id}/close", tag = "alerts", params(("id" = i64, Path)),
    request_body = HandlingNote,
    responses((status = 200, body = Alert), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn close(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<HandlingNote>,
) -> Result<web::Json<Alert>, ApiError> {
    handle(state, caller, id.into_inner(), body.0, Handling::Close).await
}

async fn handle(
    state: web::Data<AppState>,
    caller: Caller,
    id: i64,
    note: HandlingNote,
    handling: Handling,
) -> Result<web::Json<Alert>, ApiError> {
    let alert = blocking(move || ops::alerts::handle(&state, &caller, id, &note, handling)).await?;
    Ok(web::Json(alert))
}

//! Alerts: read by the competent department (and by the enterprise concerned, and
//! administrators), acknowledged and closed by officers of the competent department.

use actix_web::web;
use registry::alerts::{self, Alert, AlertFilter, HandlingNote};
use registry::identity::Actor;
use serde_json::json;
use tracing_actix_web::RequestId;

use super::{ApiError, Json, audit, blocking};
use crate::app::AppState;
use crate::app::Auth;

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

/// What an officer does with an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handling {
    /// Takes it up (open alerts only).
    Acknowledge,
    /// Closes it (open or acknowledged).
    Close,
}

impl Handling {
    /// The audit action.
    pub fn action(self) -> &'static str {
        match self {
            Handling::Acknowledge => "alert.acknowledge",
            Handling::Close => "alert.close",
        }
    }

    fn apply(
        self,
        conn: &mut registry::db::DbConn,
        now: chrono::NaiveDateTime,
        actor: &Actor,
        id: i64,
        note: &HandlingNote,
    ) -> registry::Result<Alert> {
        match self {
            Handling::Acknowledge => alerts::acknowledge(conn, now, actor, id, note),
            Handling::Close => alerts::close(conn, now, actor, id, note),
        }
    }
}

/// The audited handling behind `POST /api/v1/alerts/{id}/{acknowledge,close}`, shared with the
/// portal: the new status and the audit row in one transaction.
pub async fn handle_audited(
    state: web::Data<AppState>,
    actor: Actor,
    request_id: RequestId,
    id: i64,
    note: HandlingNote,
    handling: Handling,
) -> Result<Alert, ApiError> {
    blocking(move || {
        state.db.transaction(|conn| {
            let alert = handling.apply(conn, state.now(), &actor, id, &note)?;
            let detail = json!({ "kind": alert.kind, "status": alert.status, "note": note.note });
            audit(
                conn,
                &state,
                &actor,
                &request_id,
                handling.action(),
                &format!("alert:{id}"),
                detail,
            )?;
            Ok(alert)
        })
    })
    .await
}

/// Takes up an open alert, with a note (officers of the competent department).
#[utoipa::path(post, path = "/api/v1/alerts/{id}/acknowledge", tag = "alerts", params(("id" = i64, Path)),
    request_body = HandlingNote,
    responses((status = 200, body = Alert), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn acknowledge(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    request_id: RequestId,
    id: web::Path<i64>,
    body: Json<HandlingNote>,
) -> Result<web::Json<Alert>, ApiError> {
    let alert = handle_audited(
        state,
        actor,
        request_id,
        id.into_inner(),
        body.0,
        Handling::Acknowledge,
    )
    .await?;
    Ok(web::Json(alert))
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
    Auth(actor): Auth,
    request_id: RequestId,
    id: web::Path<i64>,
    body: Json<HandlingNote>,
) -> Result<web::Json<Alert>, ApiError> {
    let alert = handle_audited(
        state,
        actor,
        request_id,
        id.into_inner(),
        body.0,
        Handling::Close,
    )
    .await?;
    Ok(web::Json(alert))
}

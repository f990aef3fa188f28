//! What enterprises file: licences, sites, products and batches.

use actix_web::{HttpResponse, web};
use registry::filings::licences::{self, Licence, LicenceOutcome, NewLicence};
use serde_json::json;
use tracing_actix_web::RequestId;

use super::{ApiError, Json, audit, blocking};
use crate::server::AppState;
use crate::server::auth::Auth;

/// The licences of an enterprise, with expiry flagged.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/licences", tag = "registry", params(("id" = i64, Path)),
    responses((status = 200, body = [Licence]), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list_licences(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Vec<Licence>>, ApiError> {
    let id = id.into_inner();
    let db = state.db.clone();
    let today = registry::time::now().date();
    let list = blocking(move || {
        Ok(licences::list_licences(
            &mut *db.conn()?,
            &actor,
            id,
            today,
        )?)
    })
    .await?;
    Ok(web::Json(list))
}

/// Files a licence: added at once before approval, proposed for review after.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/licences", tag = "registry", params(("id" = i64, Path)),
    request_body = NewLicence,
    responses((status = 201, body = LicenceOutcome), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn file_licence(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    request_id: RequestId,
    id: web::Path<i64>,
    body: Json<NewLicence>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let new = body.0;
    let outcome = blocking(move || {
        state.db.transaction(|conn| {
            let outcome = licences::file_licence(conn, &actor, id, &new)?;
            let detail = json!({ "licence": new, "licence_id": outcome.licence.as_ref().map(|l| l.id), "proposed_change": outcome.proposed_change.as_ref().map(|c| c.id) });
            audit(conn, &state, &actor, &request_id, "licence.file", &format!("enterprise:{id}"), detail)?;
            Ok(outcome)
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(outcome))
}

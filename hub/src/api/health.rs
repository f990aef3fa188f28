//! Liveness, readiness and metrics.

use actix_web::{HttpResponse, web};
use registry::error::Code;
use serde::Serialize;

use super::{ApiError, blocking};
use crate::app::AppState;

/// The answer of the health endpoints.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`.
    status: &'static str,
    /// The database backend, on `/readyz`.
    #[serde(skip_serializing_if = "Option::is_none")]
    database: Option<&'static str>,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, body = Health)))]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health {
        status: "ok",
        database: None,
    })
}

/// The process is up and the database answers.
#[utoipa::path(get, path = "/readyz", tag = "health", responses(
    (status = 200, body = Health),
    (status = 503, body = super::ErrorBody, description = "the database cannot be reached"),
))]
pub async fn readyz(state: web::Data<AppState>) -> Result<web::Json<Health>, ApiError> {
    let db = state.db.clone();
    blocking(move || {
        db.ping().map_err(|e| {
            tracing::warn!(error = %e, "readiness check failed");
            ApiError::new(Code::DatabaseUnavailable, "the database cannot be reached")
        })
    })
    .await?;
    Ok(web::Json(Health {
        status: "ok",
        database: Some(state.db.backend().as_str()),
    }))
}

/// Prometheus text exposition.
#[utoipa::path(get, path = "/metrics", tag = "health", responses((status = 200, content_type = "text/plain", body = String)))]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let text = state
        .metrics
        .render(state.db.pool_state(), state.db.pool_max());
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(text)
}

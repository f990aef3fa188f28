//! The JSON API: handlers, the error type, and the extractors they share.

pub mod alerts;
pub mod audit;
pub mod auth;
pub mod blacklist;
pub mod departments;
pub mod documents;
pub mod enterprises;
pub mod epcis;
pub mod filings;
pub mod health;
pub mod import;
pub mod notices;
pub mod regions;
pub mod stamps;
pub mod tokens;
pub mod trace;
pub mod users;

use actix_web::HttpResponse;
use registry::audit::AuditEvent;
use registry::db::DbConn;
use registry::identity::Actor;
use tracing_actix_web::RequestId;

pub use crate::error::{ApiError, ErrorBody, blocking};
pub use crate::http::json::Json;

use crate::app::AppState;

/// Records a change in the audit log, inside the caller's transaction.
pub fn audit(
    conn: &mut DbConn,
    state: &AppState,
    actor: &Actor,
    request_id: &RequestId,
    action: &str,
    target: &str,
    detail: serde_json::Value,
) -> Result<(), ApiError> {
    registry::audit::append(
        conn,
        &state.audit_key,
        &AuditEvent {
            at: state.now(),
            actor: &actor.audit_name(),
            action,
            target,
            request_id: &request_id.to_string(),
            detail,
        },
    )?;
    Ok(())
}

/// An empty 204.
pub fn no_content() -> HttpResponse {
    HttpResponse::NoContent().finish()
}

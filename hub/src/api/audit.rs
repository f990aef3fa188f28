//! Reading and verifying the audit log (administrators).

use actix_web::web;
use registry::audit::{self, AuditEntry, ChainBreak};
use serde::{Deserialize, Serialize};

use super::{ApiError, blocking};
use crate::app::AppState;

/// A page of the log.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// Rows with a sequence number below this (for the next page).
    pub before: Option<i64>,
    /// At most this many rows (1 to 1000, default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

/// Lists the log, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = [AuditEntry])), security(("bearer" = []), ("session" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<web::Json<Vec<AuditEntry>>, ApiError> {
    let db = state.db.clone();
    let limit = query.limit.unwrap_or(100);
    let before = query.before;
    Ok(web::Json(
        blocking(move || Ok(audit::list(&mut *db.conn()?, before, limit)?)).await?,
    ))
}

/// The outcome of walking the chain.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = AuditVerification)]
pub struct Verification {
    pub intact: bool,
    /// Rows checked.
    pub rows: u64,
    /// The first break, when not intact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_break: Option<ChainBreak>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Walks the whole chain and names the first row edited, inserted or deleted behind the hub.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit",
    responses((status = 200, body = Verification)), security(("bearer" = []), ("session" = [])))]
pub async fn verify(state: web::Data<AppState>) -> Result<web::Json<Verification>, ApiError> {
    let st = state.clone();
    let verdict =
        blocking(move || Ok(audit::verify_chain(&mut *st.db.conn()?, &st.audit_key)?)).await?;
    Ok(web::Json(match verdict {
        Ok(rows) => Verification {
            intact: true,
            rows,
            first_break: None,
            message: None,
        },
        Err(found) => Verification {
            intact: false,
            rows: 0,
            message: Some(found.to_string()),
            first_break: Some(found),
        },
    }))
}

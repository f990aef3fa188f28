//! Enterprises: self-registration, reading, search, changes by the enterprise, the review
//! workflow and the history.

use actix_web::{HttpResponse, web};
use registry::enterprises::{
    self, Change, Decision, Enterprise, EnterprisePage, EnterpriseQuery, EnterpriseUpdate,
    HistoryEntry, NewEnterprise, UpdateOutcome,
};
use serde::Deserialize;

use super::{ApiError, Json, blocking};
use crate::app::{AppState, Auth};
use crate::ops::enterprises::{Registered, TierChange};
use crate::ops::{self, Caller, Request};

/// The reason for a decision, for the enterprise to read.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// Not blank, at most 2000 characters.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
}

/// Registers an enterprise (pending review by the competent department) and its first user.
#[utoipa::path(post, path = "/api/v1/enterprises", tag = "registry", request_body = NewEnterprise,
    responses((status = 201, body = Registered), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn register(
    state: web::Data<AppState>,
    request: Request,
    body: Json<NewEnterprise>,
) -> Result<HttpResponse, ApiError> {
    let new = body.0;
    let registered = blocking(move || ops::enterprises::register(&state, &request, &new)).await?;
    Ok(HttpResponse::Created().json(registered))
}

/// Searches enterprises in the caller's jurisdiction (administrators: all), paginated.
#[utoipa::path(get, path = "/api/v1/enterprises", tag = "registry", params(EnterpriseQuery),
    responses((status = 200, body = EnterprisePage), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn search(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    query: web::Query<EnterpriseQuery>,
) -> Result<web::Json<EnterprisePage>, ApiError> {
    let db = state.db.clone();
    let page = blocking(move || Ok(enterprises::search(&mut *db.conn()?, &actor, &query)?)).await?;
    Ok(web::Json(page))
}

/// One enterprise: its own users, officers of its jurisdiction, administrators.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}", tag = "registry", params(("id" = i64, Path)),
    responses((status = 200, body = Enterprise), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Enterprise>, ApiError> {
    let id = id.into_inner();
    let db = state.db.clone();
    let enterprise =
        blocking(move || Ok(enterprises::find_enterprise(&mut *db.conn()?, &actor, id)?)).await?;
    Ok(web::Json(enterprise))
}

/// Changes the caller's own enterprise. Before approval the change applies (and resubmits a
/// rejected registration); after, contact data applies and key data is proposed for review.
#[utoipa::path(patch, path = "/api/v1/enterprises/{id}", tag = "registry", params(("id" = i64, Path)),
    request_body = EnterpriseUpdate,
    responses((status = 200, body = UpdateOutcome), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<EnterpriseUpdate>,
) -> Result<web::Json<UpdateOutcome>, ApiError> {
    let (id, update) = (id.into_inner(), body.0);
    let outcome = blocking(move || ops::enterprises::update(&state, &caller, id, &update)).await?;
    Ok(web::Json(outcome))
}

async fn decide(
    state: web::Data<AppState>,
    caller: Caller,
    id: i64,
    decision: Decision,
    reason: Option<String>,
) -> Result<web::Json<Enterprise>, ApiError> {
    let enterprise = blocking(move || {
        ops::enterprises::decide(&state, &caller, id, decision, reason.as_deref())
    })
    .await?;
    Ok(web::Json(enterprise))
}

/// Approves a pending registration (officers of the competent department).
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/approve", tag = "registry", params(("id" = i64, Path)),
    responses((status = 200, body = Enterprise), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn approve(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Enterprise>, ApiError> {
    decide(state, caller, id.into_inner(), Decision::Approve, None).await
}

/// Rejects a pending registration with a reason the enterprise can read and answer.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/reject", tag = "registry", params(("id" = i64, Path)),
    request_body = Reason,
    responses((status = 200, body = Enterprise), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn reject(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<Reason>,
) -> Result<web::Json<Enterprise>, ApiError> {
    let reason = Some(body.0.reason);
    decide(state, caller, id.into_inner(), Decision::Reject, reason).await
}

/// Suspends an active enterprise: it cannot file until reinstated.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/suspend", tag = "registry", params(("id" = i64, Path)),
    request_body = Reason,
    responses((status = 200, body = Enterprise), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn suspend(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<Reason>,
) -> Result<web::Json<Enterprise>, ApiError> {
    let reason = Some(body.0.reason);
    decide(state, caller, id.into_inner(), Decision::Suspend, reason).await
}

/// Revokes an enterprise for good.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/revoke", tag = "registry", params(("id" = i64, Path)),
    request_body = Reason,
    responses((status = 200, body = Enterprise), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<Reason>,
) -> Result<web::Json<Enterprise>, ApiError> {
    let reason = Some(body.0.reason);
    decide(state, caller, id.into_inner(), Decision::Revoke, reason).await
}

/// Reinstates a suspended enterprise.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/reinstate", tag = "registry", params(("id" = i64, Path)),
    responses((status = 200, body = Enterprise), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn reinstate(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Enterprise>, ApiError> {
    decide(state, caller, id.into_inner(), Decision::Reinstate, None).await
}

/// The full history of an enterprise, oldest first.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/history", tag = "registry", params(("id" = i64, Path)),
    responses((status = 200, body = [HistoryEntry]), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn history(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Vec<HistoryEntry>>, ApiError> {
    let id = id.into_inner();
    let db = state.db.clone();
    let entries = blocking(move || {
        let mut conn = db.conn()?;
        enterprises::find_enterprise(&mut conn, &actor, id)?;
        Ok(enterprises::history(&mut conn, id)?)
    })
    .await?;
    Ok(web::Json(entries))
}

/// Proposed changes of key data and licences, newest first.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/changes", tag = "registry", params(("id" = i64, Path)),
    responses((status = 200, body = [Change]), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn changes(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Vec<Change>>, ApiError> {
    let id = id.into_inner();
    let db = state.db.clone();
    let changes = blocking(move || {
        let mut conn = db.conn()?;
        enterprises::find_enterprise(&mut conn, &actor, id)?;
        Ok(enterprises::list_changes(&mut conn, id)?)
    })
    .await?;
    Ok(web::Json(changes))
}

async fn decide_change(
    state: web::Data<AppState>,
    caller: Caller,
    ids: (i64, i64),
    approve: bool,
    reason: Option<String>,
) -> Result<web::Json<Change>, ApiError> {
    let change = blocking(move || {
        ops::enterprises::decide_change(&state, &caller, ids, approve, reason.as_deref())
    })
    .await?;
    Ok(web::Json(change))
}

/// Approves a proposed change and applies it.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/changes/{change_id}/approve", tag = "registry",
    params(("id" = i64, Path), ("change_id" = i64, Path)),
    responses((status = 200, body = Change), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn approve_change(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> Result<web::Json<Change>, ApiError> {
    decide_change(state, caller, path.into_inner(), true, None).await
}

/// Rejects a proposed change with a reason.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/changes/{change_id}/reject", tag = "registry",
    params(("id" = i64, Path), ("change_id" = i64, Path)), request_body = Reason,
    responses((status = 200, body = Change), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn reject_change(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: Json<Reason>,
) -> Result<web::Json<Change>, ApiError> {
    let reason = Some(body.0.reason);
    decide_change(state, caller, path.into_inner(), false, reason).await
}

/// Overrides the tier computed from the data (A best to D worst) with a reason, until `expires_on`
/// (default a year; 422 `invalid_expiry` unless after today and within three years). 409
/// `tier_fixed_while_listed` while the enterprise is on the blacklist.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/credit-tier", tag = "registry", params(("id" = i64, Path)),
    request_body = TierChange,
    responses((status = 200, body = Enterprise), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn credit_tier(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<TierChange>,
) -> Result<web::Json<Enterprise>, ApiError> {
    let (id, change) = (id.into_inner(), body.0);
    let enterprise =
        blocking(move || ops::enterprises::set_credit_tier(&state, &caller, id, &change)).await?;
    Ok(web::Json(enterprise))
}

/// The credit tier that counts and why: the tier computed from the data with its score and
/// reasons, an officer's override in force (with its reason and expiry), the blacklist.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/credit", tag = "registry", params(("id" = i64, Path)),
    responses((status = 200, body = registry::enterprises::credit::Assessment), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn credit(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
) -> Result<web::Json<registry::enterprises::credit::Assessment>, ApiError> {
    let id = id.into_inner();
    let found = blocking(move || ops::credit::assessment(&state, &actor, id)).await?;
    Ok(web::Json(found))
}

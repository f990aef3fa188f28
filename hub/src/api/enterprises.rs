//! Enterprises: self-registration, reading, search, changes by the enterprise, the review
//! workflow and the history.

use actix_web::{HttpResponse, web};
use registry::enterprises::{
    self, Change, CreditTier, Decision, Enterprise, EnterprisePage, EnterpriseQuery,
    EnterpriseUpdate, HistoryEntry, NewEnterprise, UpdateOutcome,
};
use registry::identity::{Actor, AuthMethod, User};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tracing_actix_web::RequestId;

use super::{ApiError, Json, audit, blocking};
use crate::app::AppState;
use crate::app::Auth;

/// A registration's answer: the pending enterprise and its first user.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Registered {
    pub enterprise: Enterprise,
    pub user: User,
}

/// The reason for a decision, for the enterprise to read.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    pub reason: String,
}

/// A new credit tier and why.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TierChange {
    pub credit_tier: CreditTier,
    pub reason: String,
}

fn target(id: i64) -> String {
    format!("enterprise:{id}")
}

/// The audited registration behind `POST /api/v1/enterprises`, shared with the portal's form:
/// the pending enterprise, its first user and the audit row in one transaction.
pub async fn register_audited(
    state: web::Data<AppState>,
    request_id: RequestId,
    new: NewEnterprise,
) -> Result<Registered, ApiError> {
    blocking(move || {
        state.db.transaction(|conn| {
            let (enterprise, user) = enterprises::register(conn, state.now(), &new)?;
            let actor = Actor::for_user(&user, AuthMethod::Session);
            let detail = json!({ "credit_code": enterprise.credit_code, "name": enterprise.name, "region_code": enterprise.region_code, "categories": enterprise.categories, "username": user.username });
            audit(conn, &state, &actor, &request_id, "enterprise.register", &target(enterprise.id), detail)?;
            Ok(Registered { enterprise, user })
        })
    })
    .await
}

/// Registers an enterprise (pending review by the competent department) and its first user.
#[utoipa::path(post, path = "/api/v1/enterprises", tag = "registry", request_body = NewEnterprise,
    responses((status = 201, body = Registered), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn register(
    state: web::Data<AppState>,
    request_id: RequestId,
    body: Json<NewEnterprise>,
) -> Result<HttpResponse, ApiError> {
    let registered = register_audited(state, request_id, body.0).await?;
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
    Auth(actor): Auth,
    request_id: RequestId,
    id: web::Path<i64>,
    body: Json<EnterpriseUpdate>,
) -> Result<web::Json<UpdateOutcome>, ApiError> {
    let outcome = update_audited(state, actor, request_id, id.into_inner(), body.0).await?;
    Ok(web::Json(outcome))
}

/// The audited change behind `PATCH /api/v1/enterprises/{id}`, shared with the portal.
pub async fn update_audited(
    state: web::Data<AppState>,
    actor: Actor,
    request_id: RequestId,
    id: i64,
    update: EnterpriseUpdate,
) -> Result<UpdateOutcome, ApiError> {
    blocking(move || {
        state.db.transaction(|conn| {
            let outcome = enterprises::update_own(conn, state.now(), &actor, id, &update)?;
            let detail = json!({ "update": update, "proposed_change": outcome.proposed_change.as_ref().map(|c| c.id) });
            audit(conn, &state, &actor, &request_id, "enterprise.update", &target(id), detail)?;
            Ok(outcome)
        })
    })
    .await
}

/// The audited decision behind `POST /api/v1/enterprises/{id}/{approve,reject,...}`, shared
/// with the portal.
pub async fn decide_audited(
    state: web::Data<AppState>,
    actor: Actor,
    request_id: RequestId,
    id: i64,
    decision: Decision,
    reason: Option<String>,
) -> Result<Enterprise, ApiError> {
    blocking(move || {
        state.db.transaction(|conn| {
            let enterprise =
                enterprises::decide(conn, state.now(), &actor, id, decision, reason.as_deref())?;
            let detail = json!({ "status": enterprise.status, "reason": reason });
            audit(
                conn,
                &state,
                &actor,
                &request_id,
                decision.action(),
                &target(id),
                detail,
            )?;
            Ok(enterprise)
        })
    })
    .await
}

async fn decide(
    state: web::Data<AppState>,
    actor: Actor,
    request_id: RequestId,
    id: i64,
    decision: Decision,
    reason: Option<String>,
) -> Result<web::Json<Enterprise>, ApiError> {
    decide_audited(state, actor, request_id, id, decision, reason)
        .await
        .map(web::Json)
}

/// Approves a pending registration (officers of the competent department).
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/approve", tag = "registry", params(("id" = i64, Path)),
    responses((status = 200, body = Enterprise), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn approve(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    request_id: RequestId,
    id: web::Path<i64>,
) -> Result<web::Json<Enterprise>, ApiError> {
    decide(
        state,
        actor,
        request_id,
        id.into_inner(),
        Decision::Approve,
        None,
    )
    .await
}

/// Rejects a pending registration with a reason the enterprise can read and answer.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/reject", tag = "registry", params(("id" = i64, Path)),
    request_body = Reason,
    responses((status = 200, body = Enterprise), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn reject(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    request_id: RequestId,
    id: web::Path<i64>,
    body: Json<Reason>,
) -> Result<web::Json<Enterprise>, ApiError> {
    let reason = Some(body.0.reason);
    decide(
        state,
        actor,
        request_id,
        id.into_inner(),
        Decision::Reject,
        reason,
    )
    .await
}

/// Suspends an active enterprise: it cannot file until reinstated.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/suspend", tag = "registry", params(("id" = i64, Path)),
    request_body = Reason,
    responses((status = 200, body = Enterprise), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn suspend(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    request_id: RequestId,
    id: web::Path<i64>,
    body: Json<Reason>,
) -> Result<web::Json<Enterprise>, ApiError> {
    let reason = Some(body.0.reason);
    decide(
        state,
        actor,
        request_id,
        id.into_inner(),
        Decision::Suspend,
        reason,
    )
    .await
}

/// Revokes an enterprise for good.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/revoke", tag = "registry", params(("id" = i64, Path)),
    request_body = Reason,
    responses((status = 200, body = Enterprise), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn revoke(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    request_id: RequestId,
    id: web::Path<i64>,
    body: Json<Reason>,
) -> Result<web::Json<Enterprise>, ApiError> {
    let reason = Some(body.0.reason);
    decide(
        state,
        actor,
        request_id,
        id.into_inner(),
        Decision::Revoke,
        reason,
    )
    .await
}

/// Reinstates a suspended enterprise.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/reinstate", tag = "registry", params(("id" = i64, Path)),
    responses((status = 200, body = Enterprise), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn reinstate(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    request_id: RequestId,
    id: web::Path<i64>,
) -> Result<web::Json<Enterprise>, ApiError> {
    decide(
        state,
        actor,
        request_id,
        id.into_inner(),
        Decision::Reinstate,
        None,
    )
    .await
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

/// The audited decision on a proposed change behind
/// `POST /api/v1/enterprises/{id}/changes/{change_id}/{approve,reject}`, shared with the portal.
pub async fn decide_change_audited(
    state: web::Data<AppState>,
    actor: Actor,
    request_id: RequestId,
    (id, change_id): (i64, i64),
    approve: bool,
    reason: Option<String>,
) -> Result<Change, ApiError> {
    blocking(move || {
        state.db.transaction(|conn| {
            let change = enterprises::decide_change(
                conn,
                state.now(),
                &actor,
                id,
                change_id,
                approve,
                reason.as_deref(),
            )?;
            let action = if approve {
                "enterprise.change_approve"
            } else {
                "enterprise.change_reject"
            };
            let detail = json!({ "change": change_id, "kind": change.kind, "reason": reason });
            audit(
                conn,
                &state,
                &actor,
                &request_id,
                action,
                &target(id),
                detail,
            )?;
            Ok(change)
        })
    })
    .await
}

async fn decide_change(
    state: web::Data<AppState>,
    actor: Actor,
    request_id: RequestId,
    ids: (i64, i64),
    approve: bool,
    reason: Option<String>,
) -> Result<web::Json<Change>, ApiError> {
    decide_change_audited(state, actor, request_id, ids, approve, reason)
        .await
        .map(web::Json)
}

/// Approves a proposed change and applies it.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/changes/{change_id}/approve", tag = "registry",
    params(("id" = i64, Path), ("change_id" = i64, Path)),
    responses((status = 200, body = Change), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn approve_change(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    request_id: RequestId,
    path: web::Path<(i64, i64)>,
) -> Result<web::Json<Change>, ApiError> {
    decide_change(state, actor, request_id, path.into_inner(), true, None).await
}

/// Rejects a proposed change with a reason.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/changes/{change_id}/reject", tag = "registry",
    params(("id" = i64, Path), ("change_id" = i64, Path)), request_body = Reason,
    responses((status = 200, body = Change), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn reject_change(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    request_id: RequestId,
    path: web::Path<(i64, i64)>,
    body: Json<Reason>,
) -> Result<web::Json<Change>, ApiError> {
    let reason = Some(body.0.reason);
    decide_change(state, actor, request_id, path.into_inner(), false, reason).await
}

/// Sets the credit tier (A best to D worst), with a reason.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/credit-tier", tag = "registry", params(("id" = i64, Path)),
    request_body = TierChange,
    responses((status = 200, body = Enterprise), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn credit_tier(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    request_id: RequestId,
    id: web::Path<i64>,
    body: Json<TierChange>,
) -> Result<web::Json<Enterprise>, ApiError> {
    let enterprise = credit_tier_audited(state, actor, request_id, id.into_inner(), body.0).await?;
    Ok(web::Json(enterprise))
}

/// The audited change behind `POST /api/v1/enterprises/{id}/credit-tier`, shared with the
/// portal.
pub async fn credit_tier_audited(
    state: web::Data<AppState>,
    actor: Actor,
    request_id: RequestId,
    id: i64,
    change: TierChange,
) -> Result<Enterprise, ApiError> {
    blocking(move || {
        state.db.transaction(|conn| {
            let enterprise = enterprises::set_credit_tier(
                conn,
                state.now(),
                &actor,
                id,
                change.credit_tier,
                &change.reason,
            )?;
            let detail = json!({ "credit_tier": enterprise.credit_tier, "reason": change.reason });
            audit(
                conn,
                &state,
                &actor,
                &request_id,
                "enterprise.credit_tier",
                &target(id),
                detail,
            )?;
            Ok(enterprise)
        })
    })
    .await
}

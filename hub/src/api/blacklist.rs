//! The blacklist: proposal, approval by a second officer, rejection and removal by the competent
//! department, the full records for officers and administrators, and the published part for
//! everyone.

use actix_web::{HttpResponse, web};
use registry::blacklist::{
    self, Listing, ListingFilter, NewProposal, Proposal, ProposalFilter, PublicListing, Removal,
};
use registry::filings::Paging;

use super::enterprises::Reason;
use super::{ApiError, Json, blocking};
use crate::app::AppState;
use crate::ops::{self, Caller};

/// The open listings as published (no sign-in): enterprise name, credit code, reason, penalty,
/// decision number and the day of listing, newest first.
#[utoipa::path(get, path = "/api/v1/public/blacklist", tag = "blacklist", params(Paging),
    responses((status = 200, body = [PublicListing]), (status = 422, body = super::ErrorBody)))]
pub async fn public(
    state: web::Data<AppState>,
    paging: web::Query<Paging>,
) -> Result<web::Json<Vec<PublicListing>>, ApiError> {
    let paging = paging.into_inner();
    let db = state.db.clone();
    let list = blocking(move || Ok(blacklist::public_listings(&mut *db.conn()?, paging)?)).await?;
    Ok(web::Json(list))
}

/// Listings with their full records, newest first (open ones unless `include_removed`).
#[utoipa::path(get, path = "/api/v1/blacklist", tag = "blacklist", params(ListingFilter),
    responses((status = 200, body = [Listing]), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    filter: web::Query<ListingFilter>,
) -> Result<web::Json<Vec<Listing>>, ApiError> {
    let filter = filter.into_inner();
    let db = state.db.clone();
    let list = blocking(move || Ok(blacklist::list_listings(&mut *db.conn()?, &filter)?)).await?;
    Ok(web::Json(list))
}

/// One listing's full record.
#[utoipa::path(get, path = "/api/v1/blacklist/{id}", tag = "blacklist", params(("id" = i64, Path)),
    responses((status = 200, body = Listing), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Listing>, ApiError> {
    let id = id.into_inner();
    let db = state.db.clone();
    let listing = blocking(move || Ok(blacklist::find_listing(&mut *db.conn()?, id)?)).await?;
    Ok(web::Json(listing))
}

/// Proposes to list an enterprise after a serious violation with a heavy penalty (officers of
/// the competent department). The department's officers are notified; a second officer approves
/// or rejects. 409 `already_listed` when it is listed, `already_proposed` when a proposal waits.
#[utoipa::path(post, path = "/api/v1/blacklist/proposals", tag = "blacklist", request_body = NewProposal,
    responses((status = 201, body = Proposal), (status = 403, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn propose(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewProposal>,
) -> Result<HttpResponse, ApiError> {
    let new = body.0;
    let proposal = blocking(move || ops::blacklist::propose(&state, &caller, &new)).await?;
    Ok(HttpResponse::Created().json(proposal))
}

/// Proposals, newest first (all, or those in one state or of one department).
#[utoipa::path(get, path = "/api/v1/blacklist/proposals", tag = "blacklist", params(ProposalFilter),
    responses((status = 200, body = [Proposal]), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn proposals(
    state: web::Data<AppState>,
    filter: web::Query<ProposalFilter>,
) -> Result<web::Json<Vec<Proposal>>, ApiError> {
    let filter = filter.into_inner();
    let db = state.db.clone();
    let list = blocking(move || Ok(blacklist::list_proposals(&mut *db.conn()?, &filter)?)).await?;
    Ok(web::Json(list))
}

/// One proposal and its decision.
#[utoipa::path(get, path = "/api/v1/blacklist/proposals/{id}", tag = "blacklist", params(("id" = i64, Path)),
    responses((status = 200, body = Proposal), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn proposal(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<Proposal>, ApiError> {
    let id = id.into_inner();
    let db = state.db.clone();
    let found = blocking(move || Ok(blacklist::find_proposal(&mut *db.conn()?, id)?)).await?;
    Ok(web::Json(found))
}

/// Approves a proposal: a second officer of the proposing department (403 `own_proposal` for
/// its proposer) lists the enterprise. Its credit tier becomes D; every department, the
/// ministries and the enterprise are notified. 409 `proposal_decided` when decided already.
#[utoipa::path(post, path = "/api/v1/blacklist/proposals/{id}/approve", tag = "blacklist", params(("id" = i64, Path)),
    responses((status = 201, body = Listing), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn approve(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let listing = blocking(move || ops::blacklist::approve(&state, &caller, id)).await?;
    Ok(HttpResponse::Created().json(listing))
}

/// Rejects a proposal with a reason (an officer of the proposing department; its proposer so
/// withdraws it). 409 `proposal_decided` when decided already.
#[utoipa::path(post, path = "/api/v1/blacklist/proposals/{id}/reject", tag = "blacklist", params(("id" = i64, Path)),
    request_body = Reason,
    responses((status = 200, body = Proposal), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn reject(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<Reason>,
) -> Result<web::Json<Proposal>, ApiError> {
    let (id, reason) = (id.into_inner(), body.0.reason);
    let proposal = blocking(move || ops::blacklist::reject(&state, &caller, id, &reason)).await?;
    Ok(web::Json(proposal))
}

/// Removes a listing: not before `removable_from`, and only with the officer's confirmation that
/// the penalties are fulfilled and no new heavy penalty was imposed (officers of the competent
/// department). Every department, the ministries and the enterprise are notified.
#[utoipa::path(post, path = "/api/v1/blacklist/{id}/remove", tag = "blacklist", params(("id" = i64, Path)),
    request_body = Removal,
    responses((status = 200, body = Listing), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn remove(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<Removal>,
) -> Result<web::Json<Listing>, ApiError> {
    let (id, removal) = (id.into_inner(), body.0);
    let listing = blocking(move || ops::blacklist::remove(&state, &caller, id, &removal)).await?;
    Ok(web::Json(listing))
}

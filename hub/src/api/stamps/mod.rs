//! Stamp orders: issuance by the competent department, the scoped list and reads, activation
//! by the enterprise, revocation by the issuing department; printing in [`print`].

pub mod print;

use actix_web::{HttpResponse, web};
use registry::stamps::{
    self, ActivationRecord, NewStampOrder, OrderActivation, OrderFilter, OrderPage,
    OrderRevocation, OrderSummary, RevocationRecord, StampActivation, StampPage, StampRevocation,
};
use serde::Deserialize;

use super::{ApiError, Json, blocking};
use crate::app::{AppState, Auth};
use crate::ops::stamps::{Activation, Revocation};
use crate::ops::{self, Caller};

/// Issues an order of 1 to 1,000,000 stamps to an active enterprise for one of its products
/// (officers of the competent department). 409 `enterprise_blacklisted`,
/// `enterprise_suspended` or `enterprise_not_active` when it may get no stamps.
#[utoipa::path(post, path = "/api/v1/stamp-orders", tag = "stamps", request_body = NewStampOrder,
    responses((status = 201, body = OrderSummary), (status = 403, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewStampOrder>,
) -> Result<HttpResponse, ApiError> {
    let new = body.0;
    let order = blocking(move || ops::stamps::issue(&state, &caller, &new, &mut |_| {})).await?;
    let order = OrderSummary {
        issued: order.quantity,
        activated: 0,
        revoked: 0,
        order,
    };
    Ok(HttpResponse::Created().json(order))
}

/// Orders, newest first: an officer's jurisdiction, an enterprise's own, all for administrators.
#[utoipa::path(get, path = "/api/v1/stamp-orders", tag = "stamps", params(OrderFilter),
    responses((status = 200, body = OrderPage), (status = 403, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    filter: web::Query<OrderFilter>,
) -> Result<web::Json<OrderPage>, ApiError> {
    let filter = filter.into_inner();
    let db = state.db.clone();
    let page =
        blocking(move || Ok(stamps::list_orders(&mut *db.conn()?, &actor, &filter)?)).await?;
    Ok(web::Json(page))
}

/// An order with the counts of its stamps issued, activated and revoked.
#[utoipa::path(get, path = "/api/v1/stamp-orders/{id}", tag = "stamps", params(("id" = i64, Path)),
    responses((status = 200, body = OrderSummary), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
) -> Result<web::Json<OrderSummary>, ApiError> {
    let id = id.into_inner();
    let db = state.db.clone();
    let summary =
        blocking(move || Ok(stamps::order_summary(&mut *db.conn()?, &actor, id)?)).await?;
    Ok(web::Json(summary))
}

/// A page of stamps.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StampPaging {
    /// From 1 (default 1).
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// 1 to 1000 (default 20).
    #[param(minimum = 1, maximum = 1000)]
    pub per_page: Option<i64>,
}

/// An order's stamps by position, with their state (never their hidden codes).
#[utoipa::path(get, path = "/api/v1/stamp-orders/{id}/stamps", tag = "stamps",
    params(("id" = i64, Path), StampPaging),
    responses((status = 200, body = StampPage), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list_stamps(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
    paging: web::Query<StampPaging>,
) -> Result<web::Json<StampPage>, ApiError> {
    let id = id.into_inner();
    let StampPaging { page, per_page } = paging.into_inner();
    let db = state.db.clone();
    let found = blocking(move || {
        Ok(stamps::order_stamps(
            &mut *db.conn()?,
            &actor,
            id,
            page,
            per_page,
        )?)
    })
    .await?;
    Ok(web::Json(found))
}

/// Binds stamps of an order (all, or `first_seq..=last_seq`) to one of the enterprise's
/// batches of the same product (the enterprise's own users). 409 naming the first stamp of the
/// range already activated or revoked: then nothing is activated; 409
/// `enterprise_blacklisted`, `enterprise_suspended` or `enterprise_not_active` when the
/// enterprise may no longer receive stamps.
#[utoipa::path(post, path = "/api/v1/stamp-orders/{id}/activate", tag = "stamps",
    params(("id" = i64, Path)), request_body = OrderActivation,
    responses((status = 200, body = ActivationRecord), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn activate_order(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<OrderActivation>,
) -> Result<web::Json<ActivationRecord>, ApiError> {
    activate(state, caller, Activation::Order(id.into_inner(), body.0)).await
}

/// Binds one stamp to one of the enterprise's batches of its product (409 as for an order).
#[utoipa::path(post, path = "/api/v1/stamps/{serial}/activate", tag = "stamps",
    params(("serial" = String, Path)), request_body = StampActivation,
    responses((status = 200, body = ActivationRecord), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn activate_stamp(
    state: web::Data<AppState>,
    caller: Caller,
    serial: web::Path<String>,
    body: Json<StampActivation>,
) -> Result<web::Json<ActivationRecord>, ApiError> {
    activate(
        state,
        caller,
        Activation::Stamp(serial.into_inner(), body.0),
    )
    .await
}

/// Revokes stamps of an order (all, or `first_seq..=last_seq`) with a reason (officers of the
/// issuing department). Stamps revoked before keep their first revocation.
#[utoipa::path(post, path = "/api/v1/stamp-orders/{id}/revoke", tag = "stamps",
    params(("id" = i64, Path)), request_body = OrderRevocation,
    responses((status = 200, body = RevocationRecord), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn revoke_order(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<OrderRevocation>,
) -> Result<web::Json<RevocationRecord>, ApiError> {
    revoke(state, caller, Revocation::Order(id.into_inner(), body.0)).await
}

/// Revokes one stamp with a reason (officers of the issuing department).
#[utoipa::path(post, path = "/api/v1/stamps/{serial}/revoke", tag = "stamps",
    params(("serial" = String, Path)), request_body = StampRevocation,
    responses((status = 200, body = RevocationRecord), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn revoke_stamp(
    state: web::Data<AppState>,
    caller: Caller,
    serial: web::Path<String>,
    body: Json<StampRevocation>,
) -> Result<web::Json<RevocationRecord>, ApiError> {
    revoke(
        state,
        caller,
        Revocation::Stamp(serial.into_inner(), body.0),
    )
    .await
}

async fn activate(
    state: web::Data<AppState>,
    caller: Caller,
    which: Activation,
) -> Result<web::Json<ActivationRecord>, ApiError> {
    let record = blocking(move || ops::stamps::activate(&state, &caller, &which)).await?;
    Ok(web::Json(record))
}

async fn revoke(
    state: web::Data<AppState>,
    caller: Caller,
    which: Revocation,
) -> Result<web::Json<RevocationRecord>, ApiError> {
    let record = blocking(move || ops::stamps::revoke(&state, &caller, &which)).await?;
    Ok(web::Json(record))
}

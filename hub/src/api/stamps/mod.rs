//! Stamp orders: issuance by the competent department, the scoped list and reads, activation
//! by the enterprise, revocation by the issuing department; printing in [`print`].

pub mod print;

use std::sync::Arc;

use actix_web::{HttpResponse, web};
use registry::error::Code;
use registry::identity::Actor;
use registry::stamps::{
    self, ActivationRecord, HiddenCodeKeyRing, NewStampOrder, OrderActivation, OrderFilter,
    OrderPage, OrderRevocation, OrderSummary, RevocationRecord, StampActivation, StampPage,
    StampRevocation,
};
use serde::Deserialize;
use serde_json::json;
use tracing_actix_web::RequestId;

use super::{ApiError, Json, audit, blocking};
use crate::app::AppState;
use crate::app::Auth;
use crate::cli::stamps::{issue_detail, revoke_detail};

/// The hidden-code keys, or 503 when `[stamps]` could not give them.
pub(crate) fn keys(state: &AppState) -> Result<Arc<HiddenCodeKeyRing>, ApiError> {
    state.stamp_keys.clone().ok_or_else(|| {
        ApiError::new(
            Code::StampsUnconfigured,
            "the hidden-code keys of stamps are not configured",
        )
    })
}

/// Issues an order of 1 to 1,000,000 stamps to an active enterprise for one of its products
/// (officers of the competent department). 409 `enterprise_blacklisted`,
/// `enterprise_suspended` or `enterprise_not_active` when it may get no stamps.
#[utoipa::path(post, path = "/api/v1/stamp-orders", tag = "stamps", request_body = NewStampOrder,
    responses((status = 201, body = OrderSummary), (status = 403, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    request_id: RequestId,
    body: Json<NewStampOrder>,
) -> Result<HttpResponse, ApiError> {
    let order = issue_audited(state, actor, request_id, body.0).await?;
    Ok(HttpResponse::Created().json(order))
}

/// The audited issuance behind `POST /api/v1/stamp-orders`, shared with the portal.
pub async fn issue_audited(
    state: web::Data<AppState>,
    actor: Actor,
    request_id: RequestId,
    new: NewStampOrder,
) -> Result<OrderSummary, ApiError> {
    let ring = keys(&state)?;
    let host = state
        .config
        .stamps
        .resolver_host(&state.config.server.public_url)
        .map_err(ApiError::internal)?;
    blocking(move || {
        state.db.transaction(|conn| {
            let order = stamps::issue_order(conn, state.now(), &actor, &new, &ring, &host)?;
            audit(
                conn,
                &state,
                &actor,
                &request_id,
                "stamps.issue",
                &format!("stamp_order:{}", order.id),
                issue_detail(&order),
            )?;
            Ok(OrderSummary {
                issued: order.quantity,
                activated: 0,
                revoked: 0,
                order,
            })
        })
    })
    .await
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
    pub page: Option<i64>,
    /// 1 to 1000 (default 20).
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
    Auth(actor): Auth,
    request_id: RequestId,
    id: web::Path<i64>,
    body: Json<OrderActivation>,
) -> Result<web::Json<ActivationRecord>, ApiError> {
    let id = id.into_inner();
    let activation = body.0;
    let record = activate_audited(state, actor, request_id, move |conn, now, actor| {
        stamps::activate_order(conn, now, actor, id, &activation)
    })
    .await?;
    Ok(web::Json(record))
}

/// Binds one stamp to one of the enterprise's batches of its product (409 as for an order).
#[utoipa::path(post, path = "/api/v1/stamps/{serial}/activate", tag = "stamps",
    params(("serial" = String, Path)), request_body = StampActivation,
    responses((status = 200, body = ActivationRecord), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn activate_stamp(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    request_id: RequestId,
    serial: web::Path<String>,
    body: Json<StampActivation>,
) -> Result<web::Json<ActivationRecord>, ApiError> {
    let serial = serial.into_inner();
    let activation = body.0;
    let record = activate_audited(state, actor, request_id, move |conn, now, actor| {
        stamps::activate_stamp(conn, now, actor, &serial, &activation)
    })
    .await?;
    Ok(web::Json(record))
}

/// The audited activation behind both activation routes, shared with the portal.
pub async fn activate_audited(
    state: web::Data<AppState>,
    actor: Actor,
    request_id: RequestId,
    activate: impl FnOnce(
        &mut registry::db::DbConn,
        chrono::NaiveDateTime,
        &Actor,
    ) -> registry::Result<ActivationRecord>
    + Send
    + 'static,
) -> Result<ActivationRecord, ApiError> {
    blocking(move || {
        state.db.transaction(|conn| {
            let record = activate(conn, state.now(), &actor)?;
            let detail = json!({ "order_id": record.order_id, "first_seq": record.first_seq, "last_seq": record.last_seq, "batch_id": record.batch_id, "activated": record.activated });
            audit(conn, &state, &actor, &request_id, "stamps.activate", &format!("stamp_order:{}", record.order_id), detail)?;
            Ok(record)
        })
    })
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
    Auth(actor): Auth,
    request_id: RequestId,
    id: web::Path<i64>,
    body: Json<OrderRevocation>,
) -> Result<web::Json<RevocationRecord>, ApiError> {
    let id = id.into_inner();
    let revocation = body.0;
    let record = revoke_audited(state, actor, request_id, move |conn, now, actor| {
        stamps::revoke_order(conn, now, actor, id, &revocation)
    })
    .await?;
    Ok(web::Json(record))
}

/// Revokes one stamp with a reason (officers of the issuing department).
#[utoipa::path(post, path = "/api/v1/stamps/{serial}/revoke", tag = "stamps",
    params(("serial" = String, Path)), request_body = StampRevocation,
    responses((status = 200, body = RevocationRecord), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn revoke_stamp(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    request_id: RequestId,
    serial: web::Path<String>,
    body: Json<StampRevocation>,
) -> Result<web::Json<RevocationRecord>, ApiError> {
    let serial = serial.into_inner();
    let revocation = body.0;
    let record = revoke_audited(state, actor, request_id, move |conn, now, actor| {
        stamps::revoke_stamp(conn, now, actor, &serial, &revocation)
    })
    .await?;
    Ok(web::Json(record))
}

/// The audited revocation behind both revocation routes, shared with the portal.
pub async fn revoke_audited(
    state: web::Data<AppState>,
    actor: Actor,
    request_id: RequestId,
    revoke: impl FnOnce(
        &mut registry::db::DbConn,
        chrono::NaiveDateTime,
        &Actor,
    ) -> registry::Result<RevocationRecord>
    + Send
    + 'static,
) -> Result<RevocationRecord, ApiError> {
    blocking(move || {
        state.db.transaction(|conn| {
            let record = revoke(conn, state.now(), &actor)?;
            audit(
                conn,
                &state,
                &actor,
                &request_id,
                "stamps.revoke",
                &format!("stamp_order:{}", record.order_id),
                revoke_detail(&record),
            )?;
            Ok(record)
        })
    })
    .await
}

//! Printing stamps: an order's PDF sheet, streamed as it is drawn, and each stamp's QR code as
//! SVG or PNG. Hidden codes are printed only on the sheet of an anti-counterfeit order asked
//! for by an officer of the issuing department; the enterprise (and anyone else who may read
//! the order) gets the same sheet without them, for the QR layer.

use actix_web::{HttpResponse, web};
use registry::identity::Actor;
use registry::stamps;
use reports::stamps::StampQr;

use crate::app::{AppState, Auth};
use crate::error::{ApiError, blocking};
use crate::http::sheet::{SheetQuery, sheet_response};

/// The print-ready PDF of an order (A4, the label grid of the query, crop marks, the serial
/// under each code), streamed as it is drawn. Hidden codes only on an anti-counterfeit order's
/// sheet for an officer of the issuing department; others get it without them.
#[utoipa::path(get, path = "/api/v1/stamp-orders/{id}/sheet.pdf", tag = "stamps",
    params(("id" = i64, Path), SheetQuery),
    responses((status = 200, description = "the sheet", content_type = "application/pdf"),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn sheet(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
    query: web::Query<SheetQuery>,
) -> Result<HttpResponse, ApiError> {
    let layout = query.into_inner().layout()?;
    sheet_response(state, actor, id.into_inner(), layout).await
}

/// The QR code of a stamp as SVG (its Digital Link URI), for whoever may read its order.
#[utoipa::path(get, path = "/api/v1/stamps/{serial}/qr.svg", tag = "stamps",
    params(("serial" = String, Path)),
    responses((status = 200, description = "the QR code", content_type = "image/svg+xml"),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn qr_svg(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    serial: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let qr = stamp_qr(state, actor, serial.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml")
        .body(qr.to_svg(256)))
}

/// The QR code of a stamp as PNG (8 pixels a module), for whoever may read its order.
#[utoipa::path(get, path = "/api/v1/stamps/{serial}/qr.png", tag = "stamps",
    params(("serial" = String, Path)),
    responses((status = 200, description = "the QR code", content_type = "image/png"),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn qr_png(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    serial: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let qr = stamp_qr(state, actor, serial.into_inner()).await?;
    let png = qr.to_png(8).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().content_type("image/png").body(png))
}

async fn stamp_qr(
    state: web::Data<AppState>,
    actor: Actor,
    serial: String,
) -> Result<StampQr, ApiError> {
    let db = state.db.clone();
    let uri = blocking(move || Ok(stamps::stamp_uri(&mut *db.conn()?, &actor, &serial)?)).await?;
    StampQr::encode(&uri).map_err(ApiError::internal)
}

//! Printing stamps: an order's PDF sheet, streamed as it is drawn, and each stamp's QR code as
//! SVG or PNG. Hidden codes are printed only on the sheet of an anti-counterfeit order asked
//! for by an officer of the issuing department; the enterprise (and anyone else who may read
//! the order) gets the same sheet without them, for the QR layer.

use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};
use registry::error::Code;
use registry::identity::Actor;
use registry::stamps;
use reports::stamps::{SheetLayout, StampQr};
use serde::Deserialize;

use super::keys;
use crate::app::AppState;
use crate::app::Auth;
use crate::error::{ApiError, blocking};

/// The label grid of a sheet on A4, centred (defaults: 5 × 7 labels of 36 mm, 3 mm gutters).
#[derive(Debug, Clone, Copy, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SheetQuery {
    /// Labels per row, 1 to 20 (default 5).
    pub columns: Option<u32>,
    /// Rows per page, 1 to 30 (default 7).
    pub rows: Option<u32>,
    /// Label width and height in mm, 10 to 100 (default 36).
    pub label_mm: Option<f64>,
    /// Space between labels in mm, 0 to 20 (default 3).
    pub gutter_mm: Option<f64>,
}

fn invalid(field: &str, message: String) -> ApiError {
    ApiError::new(Code::InvalidLayout, format!("{field}: {message}")).with_field(field)
}

impl SheetQuery {
    /// The layout, or 422 naming the parameter at fault.
    pub fn layout(self) -> Result<SheetLayout, ApiError> {
        let columns = self.columns.unwrap_or(5);
        let rows = self.rows.unwrap_or(7);
        let label = self.label_mm.unwrap_or(36.0);
        let gutter = self.gutter_mm.unwrap_or(3.0);
        if !(1..=20).contains(&columns) {
            return Err(invalid("columns", "must be 1 to 20".into()));
        }
        if !(1..=30).contains(&rows) {
            return Err(invalid("rows", "must be 1 to 30".into()));
        }
        if !(10.0..=100.0).contains(&label) {
            return Err(invalid("label_mm", "must be 10 to 100".into()));
        }
        if !(0.0..=20.0).contains(&gutter) {
            return Err(invalid("gutter_mm", "must be 0 to 20".into()));
        }
        let layout =
            SheetLayout::centered(210.0, 297.0, columns, rows, label, label, gutter, gutter);
        // What remains is the grid not fitting the page or labels too small to scan.
        crate::sheets::check_layout(&layout)
            .map_err(|e| invalid("label_mm", format!("the grid does not print: {e}")))?;
        Ok(layout)
    }
}

/// A `Write` that hands page-sized chunks to the response stream.
struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

const CHUNK: usize = 256 * 1024;

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client gone"))
    }
}

impl std::io::Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

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

/// The sheet of order `id` as `actor` may read it (hidden codes only for an officer of the
/// issuing department), streamed as it is drawn; shared with the portal's download. The order
/// is read and the keys checked before the response starts, so a refusal is a whole answer.
pub async fn sheet_response(
    state: web::Data<AppState>,
    actor: Actor,
    id: i64,
    layout: SheetLayout,
) -> Result<HttpResponse, ApiError> {
    let ring = keys(&state)?;
    let db = state.db.clone();
    let (order, hidden) = blocking(move || {
        let order = stamps::find_order(&mut *db.conn()?, &actor, id)?;
        let hidden = crate::sheets::may_see_hidden_codes(&actor, &order);
        Ok((order, hidden))
    })
    .await?;
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    let db = state.db.clone();
    let name = format!("stamps-order-{}.pdf", order.id);
    std::thread::spawn(move || {
        let ring = hidden.then_some(&*ring);
        let mut out = ChannelWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(CHUNK),
        };
        let drawn =
            crate::sheets::write_order_sheet(&db, &order, ring, &layout, &mut out, &mut |_| {})
                .map(|_| ())
                .map_err(|e| e.to_string());
        let drawn = drawn.and_then(|()| out.send().map_err(|e| e.to_string()));
        if let Err(e) = drawn {
            tracing::error!(order = order.id, error = %e, "stamp sheet stopped");
            let _ = tx.blocking_send(Err(std::io::Error::other(e)));
        }
    });
    let body = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "content-disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .streaming(body))
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

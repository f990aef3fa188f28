//! An order's print sheet over HTTP, shared by the API and the portal's download: the label
//! grid read from the query, and the PDF streamed as it is drawn.
//!
//! The sheet is drawn on a thread of its own into a bounded channel (256 KiB chunks) that the
//! response reads, so the first pages leave before the last is drawn, and a client that stops
//! reading stops the drawing.

use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};
use registry::error::Code;
use registry::identity::Actor;
use registry::stamps;
use reports::stamps::SheetLayout;
use serde::Deserialize;

use crate::app::AppState;
use crate::error::{ApiError, blocking};

/// The label grid of a sheet on A4, centred (defaults: 5 × 7 labels of 36 mm, 3 mm gutters).
#[derive(Debug, Clone, Copy, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SheetQuery {
    /// Labels per row, 1 to 20 (default 5).
    #[param(minimum = 1, maximum = 20)]
    pub columns: Option<u32>,
    /// Rows per page, 1 to 30 (default 7).
    #[param(minimum = 1, maximum = 30)]
    pub rows: Option<u32>,
    /// Label width and height in mm, 10 to 100 (default 36).
    #[param(minimum = 10, maximum = 100)]
    pub label_mm: Option<f64>,
    /// Space between labels in mm, 0 to 20 (default 3).
    #[param(minimum = 0, maximum = 20)]
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

/// The sheet of order `id` as `actor` may read it (hidden codes only for an officer of the
/// issuing department), streamed as it is drawn; shared with the portal's download. The order
/// is read and the keys checked before the response starts, so a refusal is a whole answer.
pub async fn sheet_response(
    state: web::Data<AppState>,
    actor: Actor,
    id: i64,
    layout: SheetLayout,
) -> Result<HttpResponse, ApiError> {
    let ring = state.stamp_key_ring()?;
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

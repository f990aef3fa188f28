//! The frame every portal page is built on (see the `portal` module for how to add a page).

mod context;
mod forms;
mod layout;
pub mod messages;
mod tables;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use registry::db::DbConn;

pub use context::{Ctx, Flash, Page, Refusal};
pub use forms::{Field, FormData, FormView, Input, Posted};
pub use layout::{NAV, NavEntry};
pub use tables::{Params, Position, pager, pager_on, sortable};

use crate::app::AppState;
use crate::error::{ApiError, blocking};

/// Where the stylesheet is served.
pub const STYLESHEET_PATH: &str = "/portal/assets/portal.css";

const STYLESHEET: &str = include_str!("../assets/portal.css");

/// The portal's stylesheet (cached for a day by browsers).
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .content_type("text/css; charset=utf-8")
        .body(STYLESHEET)
}

/// Runs registry reads `f` on one pooled connection, off the async workers.
pub async fn read<T, F>(state: &web::Data<AppState>, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConn) -> registry::Result<T> + Send + 'static,
    T: Send + 'static,
{
    let db = state.db.clone();
    blocking(move || Ok(f(&mut *db.conn()?)?)).await
}

/// A refusal of the authorization middleware on a portal route (a role the route does not
/// admit, a missing or wrong CSRF token...) as a page of the frame, with the error's status.
pub async fn refusal_page(req: &HttpRequest, error: ApiError) -> HttpResponse {
    match Ctx::load(req).await {
        Ok(ctx) => ctx.refuse(error).error_response(),
        Err(_) => error.error_response(),
    }
}

//! The HTTP machinery below every handler: the route table and its access rules, the one
//! authorization middleware, CSRF, the JSON extractor that names fields, error messages in the
//! caller's language, metrics and TLS. Nothing here knows a page or an endpoint: the portal's
//! refusal page is handed in by the server ([`auth::PortalRefusal`]).

pub mod auth;
pub mod csrf;
pub mod json;
pub mod locale;
pub mod routes;
pub mod tls;

use actix_web::{HttpRequest, HttpResponse, ResponseError};
use registry::error::Code;

use crate::error::ApiError;

/// Any path no route declares.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    ApiError::new(Code::NotFound, format!("no route for {}", req.path())).error_response()
}

/// A declared path called with a method it does not take.
pub async fn method_not_allowed(req: HttpRequest) -> HttpResponse {
    ApiError::new(
        Code::MethodNotAllowed,
        format!("{} is not allowed on {}", req.method(), req.path()),
    )
    .error_response()
}

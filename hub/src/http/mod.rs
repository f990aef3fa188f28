//! The HTTP machinery below every handler: the route table and its access rules, the one
//! authorization middleware, CSRF, the JSON extractor that names fields, error messages in the
//! caller's language, limits on the request target and the body, metrics and TLS. Nothing here knows a page or an endpoint: the portal's
//! refusal page is handed in by the server ([`auth::PortalRefusal`]).

pub mod auth;
pub mod body;
pub mod caller;
pub mod csrf;
pub mod json;
pub mod locale;
pub mod routes;
pub mod session;
pub mod sheet;
pub mod tls;
pub mod trace;
pub mod upload;
pub mod uri;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use registry::error::Code;

use crate::error::ApiError;

/// Any path no route declares.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    ApiError::new(Code::NotFound, format!("no route for {}", req.path())).error_response()
}

/// A declared path called with a method it does not take; `allowed` lists those it does
/// (RFC 9110 §15.5.6: the `Allow` header).
pub async fn method_not_allowed(req: HttpRequest, allowed: String) -> HttpResponse {
    let mut response = ApiError::new(
        Code::MethodNotAllowed,
        format!("{} is not allowed on {}", req.method(), req.path()),
    )
    .error_response();
    if let Ok(value) = HeaderValue::from_str(&allowed) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

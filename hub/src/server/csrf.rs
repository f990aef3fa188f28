//! CSRF protection for cookie-authenticated writes. The token for a session is a MAC of the
//! session cookie (nothing stored); before sign-in, a random `th_csrf` cookie is echoed by the
//! form (double submit). Both cookies are SameSite=Strict as well.
//!
//! The token may come in the `X-CSRF-Token` header, or as the `csrf_token` field of a
//! url-encoded form (the body is read here and handed on unchanged).

use actix_web::dev::ServiceRequest;
use actix_web::http::header;
use actix_web::web::{self, Bytes};
use actix_web::{FromRequest, HttpMessage};

use super::state::AppState;
use crate::api::ApiError;

/// The header a script sends the token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The form field a page sends the token in.
pub const CSRF_FIELD: &str = "csrf_token";
/// The pre-session cookie.
pub const CSRF_COOKIE: &str = "th_csrf";

/// Requires the token `expected`.
pub async fn require(
    req: &mut ServiceRequest,
    expected: &str,
    state: &AppState,
) -> Result<(), ApiError> {
    let presented = presented_token(req, state).await?;
    match presented {
        None => Err(ApiError::forbidden(
            "csrf_missing",
            "the form or request carries no CSRF token",
        )),
        Some(token) if constant_time_eq(token.as_bytes(), expected.as_bytes()) => Ok(()),
        Some(_) => Err(ApiError::forbidden(
            "csrf_invalid",
            "the CSRF token does not match; reload the page",
        )),
    }
}

/// Requires the token to equal the pre-session `th_csrf` cookie.
pub async fn require_pre_session(
    req: &mut ServiceRequest,
    state: &AppState,
) -> Result<(), ApiError> {
    let Some(cookie) = req
        .cookie(CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() >= 32)
    else {
        return Err(ApiError::forbidden(
            "csrf_missing",
            "the CSRF cookie is missing; reload the page",
        ));
    };
    require(req, &cookie, state).await
}

async fn presented_token(
    req: &mut ServiceRequest,
    state: &AppState,
) -> Result<Option<String>, ApiError> {
    if let Some(value) = req.headers().get(CSRF_HEADER) {
        return Ok(value.to_str().ok().map(str::to_owned));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok(None);
    }
    let limit = state.config.server.body_limit_bytes;
    let (http_req, payload) = req.parts_mut();
    let body = Bytes::from_request(http_req, payload).await.map_err(|e| {
        let status = e.as_response_error().status_code();
        if status == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                crate::api::Kind::PayloadTooLarge,
                "payload_too_large",
                format!("the body exceeds {limit} bytes"),
            )
        } else {
            ApiError::bad_request("unreadable_body", e.to_string())
        }
    })?;
    let token =
        web::Query::<Vec<(String, String)>>::from_query(std::str::from_utf8(&body).unwrap_or(""))
            .ok()
            .and_then(|fields| {
                fields
                    .0
                    .into_iter()
                    .find(|(k, _)| k == CSRF_FIELD)
                    .map(|(_, v)| v)
            });
    req.set_payload(actix_http::Payload::from(body));
    Ok(token)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

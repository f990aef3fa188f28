//! CSRF protection for cookie-authenticated writes. The token for a session is a MAC of the
//! session cookie (nothing stored); before sign-in, a random `th_csrf` cookie is echoed by the
//! form (double submit). Both cookies are SameSite=Strict as well.
//!
//! The token may come in the `X-CSRF-Token` header, as the `csrf_token` field of a
//! url-encoded form (the body is read here and handed on unchanged), or as the FIRST part of a
//! `multipart/form-data` body, named `csrf_token`: only that part is read here (at most
//! [`MULTIPART_PEEK`] bytes), so an upload is refused before any of its file is received, and
//! the body is handed on whole (what was read, then the rest of the stream). Browsers send
//! parts in the order of the form's inputs, so the token's hidden input comes first.
//!
//! Never in the query string: a token in a URL ends up in logs and `Referer` headers. The portal's
//! upload form (`FormView::upload_form`) puts the hidden token first and the file input last.

use actix_web::dev::ServiceRequest;
use actix_web::http::header;
use actix_web::web::{self, Bytes, BytesMut};
use actix_web::{FromRequest, HttpMessage};

use futures_util::StreamExt;
use registry::error::Code;

use crate::app::AppState;
use crate::error::ApiError;

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
        None => Err(ApiError::new(
            Code::CsrfMissing,
            "the form or request carries no CSRF token",
        )),
        Some(token) if constant_time_eq(token.as_bytes(), expected.as_bytes()) => Ok(()),
        Some(_) => Err(ApiError::new(
            Code::CsrfInvalid,
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
        return Err(ApiError::new(
            Code::CsrfMissing,
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
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if content_type
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return multipart_token(req, &content_type).await;
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Ok(None);
    }
    let limit = state.config.server.body_limit_bytes;
    let (http_req, payload) = req.parts_mut();
    let body = Bytes::from_request(http_req, payload).await.map_err(|e| {
        let status = e.as_response_error().status_code();
        if status == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                Code::PayloadTooLarge,
                format!("the body exceeds {limit} bytes"),
            )
        } else {
            ApiError::new(Code::UnreadableBody, e.to_string())
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

/// How much of a multipart body is read to find its first part, the token.
pub const MULTIPART_PEEK: usize = 4096;

/// The token of a multipart body: the value of its first part when that part is named
/// `csrf_token`. Reads no further than the end of that part (or [`MULTIPART_PEEK`] bytes), then
/// puts the body back together for the handler.
async fn multipart_token(
    req: &mut ServiceRequest,
    content_type: &str,
) -> Result<Option<String>, ApiError> {
    let Some(boundary) = boundary_of(content_type) else {
        return Ok(None);
    };
    let mut payload = req.take_payload();
    let mut head = BytesMut::new();
    let token = loop {
        match first_part(&head, &boundary) {
            Scan::Token(token) => break Some(token),
            Scan::Other => break None,
            Scan::Incomplete if head.len() >= MULTIPART_PEEK => break None,
            Scan::Incomplete => match payload.next().await {
                Some(Ok(chunk)) => head.extend_from_slice(&chunk),
                Some(Err(e)) => {
                    return Err(ApiError::new(Code::UnreadableBody, e.to_string()));
                }
                None => break None,
            },
        }
    };
    let head = head.freeze();
    let whole = futures_util::stream::once(async move { Ok(head) }).chain(payload);
    req.set_payload(actix_http::Payload::from(
        Box::pin(whole) as actix_http::BoxedPayloadStream
    ));
    Ok(token)
}

/// The `boundary` parameter of a multipart content type.
fn boundary_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty() && b.len() <= 70)
    })
}

/// What the start of a multipart body says about its first part.
#[derive(Debug, PartialEq, Eq)]
enum Scan {
    /// The first part is `csrf_token`, with this value.
    Token(String),
    /// The first part is something else (or the body is not multipart).
    Other,
    /// More bytes are needed.
    Incomplete,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads the first part of a multipart body from its first bytes.
fn first_part(head: &[u8], boundary: &str) -> Scan {
    let opening = format!("--{boundary}\r\n");
    let Some(start) = find(head, opening.as_bytes()) else {
        return if head.len() >= MULTIPART_PEEK {
            Scan::Other
        } else {
            Scan::Incomplete
        };
    };
    let part = &head[start + opening.len()..];
    let Some(end_of_headers) = find(part, b"\r\n\r\n") else {
        return Scan::Incomplete;
    };
    let headers = String::from_utf8_lossy(&part[..end_of_headers]);
    let is_token = headers.split("\r\n").any(|line| {
        let Some((name, value)) = line.split_once(':') else {
            return false;
        };
        name.trim().eq_ignore_ascii_case("content-disposition")
            && value.split(';').skip(1).any(|param| {
                param.split_once('=').is_some_and(|(k, v)| {
                    k.trim().eq_ignore_ascii_case("name")
                        && v.trim().trim_matches('"') == CSRF_FIELD
                })
            })
    });
    if !is_token {
        return Scan::Other;
    }
    let value = &part[end_of_headers + 4..];
    let closing = format!("\r\n--{boundary}");
    match find(value, closing.as_bytes()) {
        Some(end) => match std::str::from_utf8(&value[..end]) {
            Ok(token) => Scan::Token(token.trim().to_owned()),
            Err(_) => Scan::Other,
        },
        None => Scan::Incomplete,
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc123\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF\r\n--XyZ--\r\n";

    #[test]
    fn the_first_part_carries_the_token() {
        assert_eq!(
            boundary_of("multipart/form-data; boundary=\"XyZ\"").as_deref(),
            Some("XyZ")
        );
        assert_eq!(boundary_of("multipart/form-data"), None);
        assert_eq!(
            first_part(BODY.as_bytes(), "XyZ"),
            Scan::Token("abc123".into())
        );
        for cut in [0, 5, 40, 60, 70] {
            assert_eq!(
                first_part(&BODY.as_bytes()[..cut], "XyZ"),
                Scan::Incomplete,
                "{cut}"
            );
        }
        let file_first = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"csrf_token\"\r\n\r\n";
        assert_eq!(first_part(file_first.as_bytes(), "XyZ"), Scan::Other);
        let garbage = vec![b'x'; MULTIPART_PEEK];
        assert_eq!(first_part(&garbage, "XyZ"), Scan::Other);
    }
}

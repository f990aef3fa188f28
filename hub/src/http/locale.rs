//! Error bodies: every error answered as plain text by the HTTP machinery (a body over the
//! limit, an unreadable request) becomes the JSON error body, and API error messages are given
//! in the caller's language: the `message` of a JSON error body is replaced by its translation
//! (`hub/locales/<lang>/errors.ftl`, keyed by the error code) when the request asks for zh-CN
//! or vi and a translation exists. The `error` code, the `field` and every other key stay as
//! they are, so clients keep matching on codes; a code nobody has translated yet keeps its
//! English message. HTML error pages (the portal's) are left alone.
//!
//! Handlers and the registry write English messages only; translating them is this middleware's
//! job ([`localise_errors`]), by code.

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::web::Bytes;

use registry::error::Code;

use crate::i18n::Lang;

/// Error bodies larger than this are passed through untouched (ours are a few hundred bytes;
/// an import report can be large: its `message` is translated up to this size).
const MAX_ERROR_BODY: u64 = 8 * 1024 * 1024;

/// The middleware.
pub async fn localise_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let lang = Lang::of_request(req.request());
    let res = next.call(req).await?;
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let is_json = content_type.starts_with("application/json");
    let is_plain = content_type.is_empty() || content_type.starts_with("text/plain");
    let status = res.status();
    let is_error = status.is_client_error() || status.is_server_error();
    let small = matches!(res.response().body().size(), BodySize::Sized(n) if n <= MAX_ERROR_BODY);
    if !is_error || !small || !(is_plain || (is_json && lang != Lang::En)) {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let (mut head, body) = res.into_parts();
    // A sized body within the limit: reading it whole cannot fail on size; a body that fails
    // to produce its bytes is answered empty, as it would have been cut anyway.
    let mut bytes = actix_web::body::to_bytes(body).await.unwrap_or_default();
    if is_plain {
        bytes = json_error_body(status, &bytes);
        head.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/json"),
        );
    }
    let bytes = translate(&bytes, lang).unwrap_or(bytes);
    Ok(ServiceResponse::new(
        req,
        head.set_body(bytes).map_into_boxed_body(),
    ))
}

/// The JSON error body for a plain-text error of the HTTP machinery, its text as the message.
fn json_error_body(status: StatusCode, text: &[u8]) -> Bytes {
    let code = match status {
        StatusCode::NOT_FOUND => Code::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => Code::MethodNotAllowed,
        StatusCode::REQUEST_TIMEOUT => Code::RequestTimeout,
        StatusCode::PAYLOAD_TOO_LARGE => Code::PayloadTooLarge,
        StatusCode::URI_TOO_LONG => Code::UriTooLong,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Code::UnsupportedMediaType,
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => Code::HeadersTooLarge,
        s if s.is_server_error() => Code::InternalError,
        _ => Code::BadRequest,
    };
    let message = match String::from_utf8_lossy(text).trim() {
        "" => status
            .canonical_reason()
            .unwrap_or("error")
            .to_ascii_lowercase(),
        text => text.to_owned(),
    };
    let body = serde_json::json!({ "error": code, "message": message });
    Bytes::from(body.to_string())
}

/// The body with its `message` translated, when it is an error body with a known code.
fn translate(body: &[u8], lang: Lang) -> Option<Bytes> {
    let mut json: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(body).ok()?;
    let code = json.get("error")?.as_str()?;
    let message = lang.error_message(code)?;
    json.insert("message".into(), message.into());
    serde_json::to_vec(&json).ok().map(Bytes::from)
}

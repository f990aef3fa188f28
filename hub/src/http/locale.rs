//! API error messages in the caller's language: the `message` of a JSON error body is replaced
//! by its translation (`hub/locales/<lang>/errors.ftl`, keyed by the error code) when the
//! request asks for zh-CN or vi and a translation exists. The `error` code, the `field` and
//! every other key stay as they are, so clients keep matching on codes; a code nobody has
//! translated yet keeps its English message.
//!
//! Handlers and the registry write English messages only; translating them is this middleware's
//! job ([`localise_errors`]), by code.

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::web::Bytes;

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
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let is_error = res.status().is_client_error() || res.status().is_server_error();
    let small = matches!(res.response().body().size(), BodySize::Sized(n) if n <= MAX_ERROR_BODY);
    if lang == Lang::En || !is_error || !is_json || !small {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let (head, body) = res.into_parts();
    // A sized body within the limit: reading it whole cannot fail on size; a body that fails
    // to produce its bytes is answered empty, as it would have been cut anyway.
    let bytes = actix_web::body::to_bytes(body).await.unwrap_or_default();
    let bytes = translate(&bytes, lang).unwrap_or(bytes);
    Ok(ServiceResponse::new(
        req,
        head.set_body(bytes).map_into_boxed_body(),
    ))
}

/// The body with its `message` translated, when it is an error body with a known code.
fn translate(body: &[u8], lang: Lang) -> Option<Bytes> {
    let mut json: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(body).ok()?;
    let code = json.get("error")?.as_str()?;
    let message = lang.error_message(code)?;
    json.insert("message".into(), message.into());
    serde_json::to_vec(&json).ok().map(Bytes::from)
}

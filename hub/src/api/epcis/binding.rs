//! The headers of the EPCIS 2.0 REST binding, on every answer under `/epcis`:
//! `GS1-EPCIS-Version` and `GS1-CBV-Version` (what the hub speaks), `GS1-EPCIS-Capture-Limit`
//! (events per capture, [`CAPTURE_LIMIT`], enforced by the capture handlers) and
//! `GS1-EPCIS-Capture-File-Size-Limit` (the body limit, `server.body_limit_bytes`). A request's
//! `GS1-Extensions` (`prefix=namespace, ...`) declares the prefixes its extension query
//! parameters use (`adapters::epcis::query`). `OPTIONS` on the resources is the route table's
//! (`RouteTable::options_under`).
//!
//! Version negotiation: a request may name the version it speaks (`GS1-EPCIS-Version`,
//! `GS1-CBV-Version`) or the range it accepts (`GS1-EPCIS-Min`/`-Max`, `GS1-CBV-Min`/`-Max`);
//! when the hub's 2.0.0 is not among them the answer is 406 `version_not_supported`, naming the
//! header, before anything is read or written.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;
use registry::error::Code;

use crate::app::AppState;
use crate::error::ApiError;

/// The EPCIS version the hub implements.
pub const EPCIS_VERSION: &str = "2.0.0";
/// The CBV version the hub implements.
pub const CBV_VERSION: &str = "2.0.0";
/// Most events in one capture.
pub const CAPTURE_LIMIT: usize = 1_000_000;

/// 413 `payload_too_large` when a document holds more than [`CAPTURE_LIMIT`] events.
pub fn check_capture_limit(events: usize) -> Result<(), ApiError> {
    if events > CAPTURE_LIMIT {
        return Err(ApiError::new(
            Code::PayloadTooLarge,
            format!("{events} events in one capture; the limit is {CAPTURE_LIMIT} (GS1-EPCIS-Capture-Limit)"),
        )
        .with_field("epcisBody.eventList"));
    }
    Ok(())
}

/// A version as the binding writes it (`2`, `2.0`, `2.0.0`): its numbers, missing ones 0.
fn version(text: &str) -> Option<[u64; 3]> {
    let mut parts = [0u64; 3];
    let mut count = 0;
    for part in text.trim().split('.') {
        let slot = parts.get_mut(count)?;
        *slot = part
            .parse()
            .ok()
            .filter(|_| part.bytes().all(|b| b.is_ascii_digit()))?;
        count += 1;
    }
    (count > 0).then_some(parts)
}

/// Whether the hub's version `ours` satisfies the request's header `suffix` with version `asked`:
/// the same major and minor for `Version`, at least `Min`, at most `Max`.
fn satisfies(suffix: &str, asked: [u64; 3], ours: [u64; 3]) -> bool {
    match suffix {
        "Version" => asked[..2] == ours[..2],
        "Min" => ours >= asked,
        _ => ours <= asked,
    }
}

/// Checks the request's version headers against what the hub speaks; the refusal names the
/// header at fault.
fn negotiate(req: &ServiceRequest) -> Result<(), ApiError> {
    for (product, speaks) in [("EPCIS", EPCIS_VERSION), ("CBV", CBV_VERSION)] {
        let ours = version(speaks).unwrap_or_default();
        for suffix in ["Version", "Min", "Max"] {
            let name = format!("GS1-{product}-{suffix}");
            let Some(value) = req.headers().get(name.as_str()) else {
                continue;
            };
            let text = value.to_str().unwrap_or_default();
            if !version(text).is_some_and(|asked| satisfies(suffix, asked, ours)) {
                return Err(ApiError::new(
                    Code::VersionNotSupported,
                    format!(
                        "{name}: {text:?} excludes {product} {speaks}, the version this hub speaks"
                    ),
                )
                .with_field(name));
            }
        }
    }
    Ok(())
}

/// Adds the binding's headers to the answers under `/epcis`, after refusing a request whose
/// version headers exclude the hub's versions.
pub async fn headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let epcis = req.path() == "/epcis" || req.path().starts_with("/epcis/");
    let file_limit = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.config.server.body_limit_bytes);
    let refusal = if epcis { negotiate(&req).err() } else { None };
    let mut res = match refusal {
        Some(refusal) => req.error_response(refusal).map_into_right_body(),
        None => next.call(req).await?.map_into_left_body(),
    };
    if epcis {
        let h = res.headers_mut();
        let mut set = |name: &'static str, value: String| {
            if let Ok(v) = HeaderValue::from_str(&value) {
                h.insert(HeaderName::from_static(name), v);
            }
        };
        set("gs1-epcis-version", EPCIS_VERSION.into());
        set("gs1-cbv-version", CBV_VERSION.into());
        set("gs1-epcis-capture-limit", CAPTURE_LIMIT.to_string());
        if let Some(limit) = file_limit {
            set("gs1-epcis-capture-file-size-limit", limit.to_string());
        }
    }
    Ok(res)
}

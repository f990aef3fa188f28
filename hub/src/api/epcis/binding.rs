//! The headers of the EPCIS 2.0 REST binding, on every answer under `/epcis`:
//! `GS1-EPCIS-Version` and `GS1-CBV-Version` (what the hub speaks), `GS1-EPCIS-Capture-Limit`
//! (events per capture, [`CAPTURE_LIMIT`], enforced by the capture handlers) and
//! `GS1-EPCIS-Capture-File-Size-Limit` (the body limit, `server.body_limit_bytes`). A request's
//! `GS1-Extensions` (`prefix=namespace, ...`) declares the prefixes its extension query
//! parameters use (`super::params`). `OPTIONS` on the resources is the route table's
//! (`RouteTable::options_under`).

use actix_web::body::MessageBody;
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

/// Adds the binding's headers to the answers under `/epcis`.
pub async fn headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let epcis = req.path() == "/epcis" || req.path().starts_with("/epcis/");
    let file_limit = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.config.server.body_limit_bytes);
    let mut res = next.call(req).await?;
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

//! The EPCIS 2.0 REST binding: capture (`POST /epcis/capture`, `POST /epcis/events`), capture
//! jobs (`GET /epcis/capture/{id}`), the event query (`GET /epcis/events`, [`query`], its
//! parameters read by `adapters::epcis::query`), the discovery resources ([`discovery`]), named queries ([`queries`]), their
//! subscriptions ([`subscriptions`]) and the binding's headers ([`binding`]).
//!
//! Who captures and reads what is the capture policy (`registry::events::policy`): an
//! enterprise captures events at its own sites about its own products or objects it received, a
//! regulator system events of its category; reads are scoped by role and jurisdiction. References
//! to unregistered GLNs are warnings in the job or a refusal (`[epcis] unregistered_gln`).

pub mod binding;
pub mod discovery;
pub mod queries;
pub mod query;
pub mod subscriptions;

pub use query::{QueryParams, query};

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use adapters::epcis::{EpcisDocument, EpcisError, json, xml};
use registry::epcis::DocumentKind;
use registry::error::Code;
use registry::events::policy::{self, CaptureOutcome};

use super::{ApiError, blocking};
use crate::app::{AppState, Auth};
use crate::ops::{self, Caller};

/// The two bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Binding {
    Xml,
    Json,
}

impl Binding {
    fn of(req: &HttpRequest) -> Result<Self, ApiError> {
        let ct = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let essence = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "application/xml" | "text/xml" => Ok(Binding::Xml),
            "application/json" | "application/ld+json" => Ok(Binding::Json),
            _ => Err(ApiError::new(
                Code::UnsupportedMediaType,
                "an EPCIS body must be application/xml or application/ld+json (application/json)",
            )),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Binding::Xml => "xml",
            Binding::Json => "json",
        }
    }
}

/// An EPCIS reading error as an API error: the event index and field in `field`.
fn epcis_error(e: &EpcisError) -> ApiError {
    let field = match (e.index, e.field.is_empty()) {
        (Some(i), true) => Some(format!("events[{i}]")),
        (Some(i), false) => Some(format!("events[{i}].{}", e.field)),
        (None, true) => None,
        (None, false) => Some(e.field.clone()),
    };
    let error = ApiError::new(e.kind.code(), e.to_string());
    match field {
        Some(f) => error.with_field(f),
        None => error,
    }
}

fn parse(binding: Binding, body: &[u8]) -> Result<EpcisDocument, ApiError> {
    match binding {
        Binding::Xml => xml::parse_xml(body),
        Binding::Json => json::parse_json(body),
    }
    .map_err(|e| epcis_error(&e))
}

async fn store(
    state: web::Data<AppState>,
    caller: Caller,
    binding: Binding,
    doc: EpcisDocument,
) -> Result<HttpResponse, ApiError> {
    let outcome =
        blocking(move || ops::epcis::capture(&state, &caller, binding.name(), doc.events)).await?;
    Ok(HttpResponse::Accepted()
        .insert_header((
            header::LOCATION,
            format!("/epcis/capture/{}", outcome.job.id),
        ))
        .json(outcome))
}

/// Captures an EPCIS document (XML or JSON-LD by `Content-Type`). The whole document is read
/// and validated first: any error answers 4xx naming the event and field, and writes nothing.
/// Events already stored (same GS1 event hash or eventID) are skipped. The job is complete when
/// this answers. An enterprise captures only events at its own sites about its own products or
/// objects it received, a regulator system only events of its category (403 naming the event
/// and field otherwise); references to unregistered GLNs are warnings in the answer, or 422 when
/// the hub is configured to reject them.
#[utoipa::path(post, path = "/epcis/capture", tag = "epcis",
    request_body(content = String, description = "EPCISDocument", content_type = "application/ld+json"),
    responses((status = 202, body = CaptureOutcome, headers(("Location" = String))),
        (status = 400, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 413, body = super::ErrorBody), (status = 415, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn capture(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    let binding = Binding::of(&req)?;
    let doc = blocking(move || parse(binding, &body)).await?;
    binding::check_capture_limit(doc.events.len())?;
    store(state, caller, binding, doc).await
}

/// Captures one event (a bare JSON-LD event object or XML event element), as `/epcis/capture`.
#[utoipa::path(post, path = "/epcis/events", tag = "epcis",
    request_body(content = String, description = "one EPCIS event", content_type = "application/ld+json"),
    responses((status = 202, body = CaptureOutcome, headers(("Location" = String))),
        (status = 400, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 415, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn capture_event(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    let binding = Binding::of(&req)?;
    let doc = blocking(move || parse(binding, &body)).await?;
    if doc.header.kind != DocumentKind::SingleEvent || doc.events.len() != 1 {
        return Err(ApiError::new(
            Code::InvalidEpcis,
            "/epcis/events takes one event; send documents to /epcis/capture",
        )
        .with_field("type"));
    }
    store(state, caller, binding, doc).await
}

/// A capture job and its warnings. Enterprises see their own, regulator systems those they
/// captured, officers those of enterprises in their jurisdiction; others are 404.
#[utoipa::path(get, path = "/epcis/capture/{id}", tag = "epcis", params(("id" = i64, Path)),
    responses((status = 200, body = CaptureOutcome), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn job(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
) -> Result<web::Json<CaptureOutcome>, ApiError> {
    let id = id.into_inner();
    let db = state.db.clone();
    let outcome = blocking(move || {
        let mut conn = db.conn()?;
        let outcome = policy::find_outcome(&mut conn, id)?;
        if policy::may_read_job(&mut conn, &actor, &outcome.job)? {
            Ok(outcome)
        } else {
            Err(ApiError::not_found("capture job"))
        }
    })
    .await?;
    Ok(web::Json(outcome))
}

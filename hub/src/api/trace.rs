//! Trace and recall: `GET /api/v1/trace` (forward or backward from an item, lot, logistic unit
//! or enterprise) and `GET /api/v1/recall` (the recall report for a lot, as JSON, or as CSV with
//! `Accept: text/csv` or at `/api/v1/recall.csv`).
//!
//! Who may: see `registry::events::trace` (officers within their jurisdiction, enterprises their
//! own objects, administrators, inspectors and ministries everything).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use registry::events::recall::RecallReport;
use registry::events::trace::Trace;

use super::{ApiError, blocking};
use crate::app::{AppState, Auth};
use crate::http::trace::{RecallRequest, recall_request, trace_request};
use crate::ops;

/// Parameters of `GET /api/v1/trace` (for the OpenAPI document; the handler reads the query
/// string itself so that an unknown parameter is refused by name).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct TraceParams {
    /// Where to start: an item, lot or logistic unit, as an EPC URN
    /// (`urn:epc:id:sgtin:...`, `urn:epc:class:lgtin:...`, `urn:epc:id:sscc:...`) or a GS1
    /// Digital Link URI. Give this or `enterprise`.
    id: Option<String>,
    /// Start from an enterprise (by id): what left (forward) or reached (backward) its sites.
    enterprise: Option<i64>,
    /// `forward` (where did it go; the default) or `backward` (where did it come from).
    #[param(pattern = "^(forward|backward)$")]
    direction: Option<String>,
}

/// Parameters of `GET /api/v1/recall`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct RecallParams {
    /// The lot: `https://id.gs1.org/01/{gtin}/10/{lot}` or `urn:epc:class:lgtin:...`.
    #[param(min_length = 1)]
    lot: String,
    /// Row order: columns (`event_time`, `biz_step`, `lot`, `gtin`, `product`, `quantity`,
    /// `items`, `location`, `enterprise`, `country`, `region`, `ship_to`), comma-separated,
    /// `-` before a column for descending. Default `event_time`.
    sort: Option<String>,
    /// `csv` for the spreadsheet (as `Accept: text/csv`).
    format: Option<String>,
}

/// Traces forward (where did it go) or backward (where did it come from) from an item, a lot,
/// a logistic unit or an enterprise: the objects reached with when they carried what is traced,
/// the edges with their events and times, the events, and the sites and parties reached.
#[utoipa::path(get, path = "/api/v1/trace", tag = "trace", params(TraceParams),
    responses((status = 200, body = Trace), (status = 400, body = super::ErrorBody),
        (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn trace(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(actor): Auth,
) -> Result<web::Json<Trace>, ApiError> {
    let (start, direction) = trace_request(&req)?;
    let found = blocking(move || ops::trace::trace(&state, &actor, &start, direction)).await?;
    Ok(web::Json(found))
}

/// The recall report for a lot: every affected lot and item, the logistic units that carried
/// them, every site and party reached (by country, region, warehouse and retailer) with
/// quantities and dates, and one row per event and lot. `Accept: text/csv` (or `format=csv`)
/// gives the rows as a spreadsheet.
#[utoipa::path(get, path = "/api/v1/recall", tag = "trace", params(RecallParams),
    responses((status = 200, body = RecallReport, content_type = "application/json"),
        (status = 200, description = "the rows as CSV", content_type = "text/csv"),
        (status = 400, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn recall(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(actor): Auth,
) -> Result<HttpResponse, ApiError> {
    let request = recall_request(&req)?;
    let (lot, sort) = (request.lot.clone(), request.sort.clone());
    let report = blocking(move || ops::trace::recall(&state, &actor, &lot, &sort)).await?;
    respond(&request, &report)
}

/// The recall rows as CSV (the same as `/api/v1/recall` with `Accept: text/csv`).
#[utoipa::path(get, path = "/api/v1/recall.csv", tag = "trace", params(RecallParams),
    responses((status = 200, description = "the rows as CSV", content_type = "text/csv"),
        (status = 400, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn recall_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<HttpResponse, ApiError> {
    recall(req, state, auth).await
}

fn respond(request: &RecallRequest, report: &RecallReport) -> Result<HttpResponse, ApiError> {
    if !request.csv {
        return Ok(HttpResponse::Ok().json(report));
    }
    let body = reports::recall::write_csv(Vec::new(), &report.rows).map_err(ApiError::internal)?;
    let name = report
        .lot
        .rsplit('/')
        .next()
        .unwrap_or("lot")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>();
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"recall-{name}.csv\""),
        ))
        .body(body))
}

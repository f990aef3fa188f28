//! Trace and recall: `GET /api/v1/trace` (forward or backward from an item, lot, logistic unit
//! or enterprise) and `GET /api/v1/recall` (the recall report for a lot, as JSON, or as CSV with
//! `Accept: text/csv` or at `/api/v1/recall.csv`).
//!
//! Who may: see `registry::events::trace` (officers within their jurisdiction, enterprises their
//! own objects, administrators, inspectors and ministries everything).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use registry::error::Code;
use registry::events::recall::{self, RecallReport, parse_sort};
use registry::events::trace::{self, Direction, Start, Trace, authorize, parse_start};
use registry::identity::Actor;

use super::{ApiError, blocking};
use crate::app::AppState;
use crate::app::Auth;

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
    direction: Option<String>,
}

/// Parameters of `GET /api/v1/recall`.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct RecallParams {
    /// The lot: `https://id.gs1.org/01/{gtin}/10/{lot}` or `urn:epc:class:lgtin:...`.
    lot: String,
    /// Row order: columns (`event_time`, `biz_step`, `lot`, `gtin`, `product`, `quantity`,
    /// `items`, `location`, `enterprise`, `country`, `region`, `ship_to`), comma-separated,
    /// `-` before a column for descending. Default `event_time`.
    sort: Option<String>,
    /// `csv` for the spreadsheet (as `Accept: text/csv`).
    format: Option<String>,
}

fn bad(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(Code::InvalidQuery, format!("{field}: {}", message.into())).with_field(field)
}

/// The query string's pairs, refusing names not in `known` and repeated names.
fn pairs(req: &HttpRequest, known: &[&str]) -> Result<Vec<(String, String)>, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string())
        .map_err(|e| ApiError::new(Code::InvalidQuery, e.to_string()))?;
    for (i, (k, _)) in pairs.iter().enumerate() {
        if !known.contains(&k.as_str()) {
            return Err(bad(
                k,
                format!("unknown parameter; expected one of {}", known.join(", ")),
            ));
        }
        if pairs[..i].iter().any(|(other, _)| other == k) {
            return Err(bad(k, "given more than once"));
        }
    }
    Ok(pairs)
}

fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Where a trace starts and which way, from the query.
fn trace_request(req: &HttpRequest) -> Result<(Start, Direction), ApiError> {
    let pairs = pairs(req, &["id", "enterprise", "direction"])?;
    let direction = match get(&pairs, "direction").unwrap_or("forward") {
        "forward" => Direction::Forward,
        "backward" => Direction::Backward,
        other => {
            return Err(bad(
                "direction",
                format!("{other:?}: expected forward or backward"),
            ));
        }
    };
    let start = match (get(&pairs, "id"), get(&pairs, "enterprise")) {
        (Some(id), None) => Start::Object(parse_start(id, "id")?),
        (None, Some(e)) => Start::Enterprise(
            e.parse()
                .map_err(|_| bad("enterprise", format!("{e:?} is not an enterprise id")))?,
        ),
        (Some(_), Some(_)) => return Err(bad("id", "give id or enterprise, not both")),
        (None, None) => return Err(bad("id", "required (or enterprise)")),
    };
    Ok((start, direction))
}

/// Runs `f` on a connection after checking that `actor` may start from `start`.
async fn scoped<T: Send + 'static>(
    state: web::Data<AppState>,
    actor: Actor,
    start: Start,
    f: impl FnOnce(&mut registry::db::DbConn, &Start) -> registry::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    let db = state.db.clone();
    blocking(move || {
        let mut conn = db.conn()?;
        authorize(&mut conn, &actor, &start)?;
        Ok(f(&mut conn, &start)?)
    })
    .await
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
    let found = scoped(state, actor, start, move |conn, start| {
        trace::trace(conn, start, direction)
    })
    .await?;
    Ok(web::Json(found))
}

/// What a recall request asks for.
pub struct RecallRequest {
    /// The canonical lot.
    pub lot: String,
    /// The row order.
    pub sort: Vec<(String, bool)>,
    /// True for CSV.
    pub csv: bool,
}

/// Reads a recall request from the query (and `Accept`).
pub fn recall_request(req: &HttpRequest) -> Result<RecallRequest, ApiError> {
    let pairs = pairs(req, &["lot", "sort", "format"])?;
    let lot = get(&pairs, "lot").ok_or_else(|| bad("lot", "required"))?;
    let lot = parse_start(lot, "lot")?;
    let sort = parse_sort(get(&pairs, "sort").unwrap_or("event_time"))?;
    let accept_csv = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/csv"));
    let csv = match get(&pairs, "format") {
        None => accept_csv || req.path().ends_with(".csv"),
        Some("csv") => true,
        Some("json") => false,
        Some(other) => return Err(bad("format", format!("{other:?}: expected json or csv"))),
    };
    Ok(RecallRequest { lot, sort, csv })
}

/// Builds the recall report for a request, as `actor` may.
pub async fn recall_report(
    state: web::Data<AppState>,
    actor: Actor,
    request: &RecallRequest,
) -> Result<RecallReport, ApiError> {
    let sort = request.sort.clone();
    let now = state.now();
    scoped(
        state,
        actor,
        Start::Object(request.lot.clone()),
        move |conn, start| {
            let Start::Object(lot) = start else {
                return Err(registry::RegistryError::invalid(
                    Code::InvalidLot,
                    "lot",
                    "a lot is required",
                ));
            };
            recall::recall(conn, now, lot, &sort)
        },
    )
    .await
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
    let report = recall_report(state, actor, &request).await?;
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

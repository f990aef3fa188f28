//! Trace and recall requests read from the query string, shared by the API and the portal:
//! unknown and repeated parameters are refused by name.

use actix_web::HttpRequest;
use actix_web::http::header;
use registry::error::Code;
use registry::events::recall::parse_sort;
use registry::events::trace::{Direction, Start, parse_start};

use crate::error::ApiError;

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
pub fn trace_request(req: &HttpRequest) -> Result<(Start, Direction), ApiError> {
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

//! `GET /epcis/events`: the EPCIS 2.0 query parameters in common use, paged, as JSON-LD or XML.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use registry::epcis::{DocumentHeader, DocumentKind};
use registry::error::Code;
use registry::events::policy::read_scope;
use registry::events::{EventQuery, exceeds, query_events};
use reports::epcis::{json::JsonEpcisWriter, xml::XmlEpcisWriter};

use super::super::{ApiError, blocking};
use crate::app::AppState;
use crate::app::Auth;
use adapters::epcis::query::{Extensions, MAX_PER_PAGE, Parsed, parse};

/// The query parameters (for the OpenAPI document; the handler reads the raw query string so
/// that an unknown parameter is refused by name). List values are separated by `|`.
/// `EQ_source_{type}`, `EQ_destination_{type}` (e.g. `EQ_source_owning_party`) and
/// `EQ_bizTransaction_{type}` (e.g. `EQ_bizTransaction_po`) take identifiers too.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(non_snake_case, dead_code)]
pub struct QueryParams {
    /// Event types (`ObjectEvent|AggregationEvent`...).
    eventType: Option<String>,
    /// eventIDs.
    EQ_eventID: Option<String>,
    /// eventTime at or after (RFC 3339).
    GE_eventTime: Option<String>,
    /// eventTime before.
    LT_eventTime: Option<String>,
    /// recordTime at or after.
    GE_recordTime: Option<String>,
    /// recordTime before.
    LT_recordTime: Option<String>,
    /// `ADD`, `OBSERVE`, `DELETE`.
    EQ_action: Option<String>,
    /// Business steps: CBV words or URIs.
    EQ_bizStep: Option<String>,
    /// Dispositions: CBV words or URIs.
    EQ_disposition: Option<String>,
    /// EPCs in epcList or childEPCs (EPC URN or GS1 Digital Link; one EPC pattern such as
    /// `urn:epc:idpat:sgtin:0614141.107346.*` may be among them, in every MATCH_ parameter).
    MATCH_epc: Option<String>,
    /// EPCs anywhere: epcList, childEPCs, parentID, inputEPCList, outputEPCList.
    MATCH_anyEPC: Option<String>,
    /// parentID.
    MATCH_parentID: Option<String>,
    /// inputEPCList.
    MATCH_inputEPC: Option<String>,
    /// outputEPCList.
    MATCH_outputEPC: Option<String>,
    /// Classes in quantityList or childQuantityList.
    MATCH_epcClass: Option<String>,
    /// Classes in inputQuantityList.
    MATCH_inputEPCClass: Option<String>,
    /// Classes in outputQuantityList.
    MATCH_outputEPCClass: Option<String>,
    /// Classes in any quantity list.
    MATCH_anyEPCClass: Option<String>,
    /// bizLocation ids.
    EQ_bizLocation: Option<String>,
    /// readPoint ids.
    EQ_readPoint: Option<String>,
    /// Page size (1 to 1000, default 30).
    perPage: Option<i64>,
    /// From the `Link: <...>; rel="next"` header of the previous page.
    nextPageToken: Option<String>,
    /// Quantity equal to (any quantity element; `EQ_quantity_KGM` also asks for the unit;
    /// `GT_`, `GE_`, `LT_`, `LE_quantity` compare).
    EQ_quantity: Option<f64>,
    /// Quantity at least.
    GE_quantity: Option<f64>,
    /// Quantity below.
    LT_quantity: Option<f64>,
    /// Events with an error declaration (any value).
    EXISTS_errorDeclaration: Option<String>,
    /// Error declarations with one of these reasons (CBV words or URIs).
    EQ_errorReason: Option<String>,
    /// Error declarations naming one of these corrective eventIDs.
    EQ_correctiveEventID: Option<String>,
    /// transformationIDs.
    EQ_transformationID: Option<String>,
    /// Sensor reports of one of these measurement types. Every sensor parameter (`EQ_deviceID`,
    /// `GE_value`, `LT_maxValue_CEL`, `GE_time`, `EQ_stringValue`...) must hold for one and the
    /// same sensor report.
    EQ_type: Option<String>,
    /// Sensor value at least.
    GE_value: Option<f64>,
    /// Sensor value below.
    LT_value: Option<f64>,
    /// `eventTime` (default) or `recordTime`. Extension fields (`EQ_ex:field`, `GT_ILMD_ex:field`,
    /// `EQ_INNER_ex:field`, `EXISTS_ILMD_ex:field`...) name fields as `prefix:local`, the prefix
    /// declared in the `GS1-Extensions` header or as captured.
    orderBy: Option<String>,
    /// `ASC` or `DESC` (default: `DESC` when `orderBy` is given, else ascending event time).
    orderDirection: Option<String>,
    /// At most this many events in the whole result, across pages.
    eventCountLimit: Option<i64>,
    /// More matching events than this is 413 `query_too_large` (QueryTooLargeException). The
    /// hub counts up to 100,000 events (reading at most 200,000 rows when filters on the event
    /// body apply); a result it cannot count within that is too large.
    maxEventCount: Option<i64>,
}

fn wants_xml(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/xml") || a.contains("text/xml"))
}

/// The prefixes a request declares in `GS1-Extensions`.
pub fn extensions(req: &HttpRequest) -> Extensions {
    req.headers()
        .get("GS1-Extensions")
        .and_then(|v| v.to_str().ok())
        .map(Extensions::parse)
        .unwrap_or_default()
}

/// Runs a parsed query for `actor` and writes the page in the binding `Accept` asks for; its
/// parameters are repeated in the `Link` to the next page. A result over `maxEventCount` is
/// 413 `query_too_large`.
pub async fn answer(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    actor: &registry::identity::Actor,
    parsed: Parsed,
    not_found_when_empty: bool,
) -> Result<HttpResponse, ApiError> {
    let Parsed {
        query: mut q,
        pairs,
        max_event_count,
    } = parsed;
    let xml = wants_xml(req);
    let db = state.db.clone();
    let actor = actor.clone();
    let (bytes, next, n) = blocking(move || {
        let mut conn = db.conn()?;
        q.scope = Some(read_scope(&mut conn, &actor)?);
        if let Some(max) = max_event_count {
            if exceeds(&mut conn, &q, max)? {
                return Err(ApiError::new(
                    Code::QueryTooLarge,
                    format!("QueryTooLargeException: the query matches more than {max} events"),
                )
                .with_field("maxEventCount"));
            }
        }
        let page = query_events(&mut conn, &q)?;
        let header = DocumentHeader {
            kind: DocumentKind::QueryDocument {
                query_name: Some("SimpleEventQuery".into()),
                subscription_id: None,
            },
            creation_date: Some(db.clock().now_utc().fixed_offset()),
            ..DocumentHeader::default()
        };
        let bytes = if xml {
            let mut w = XmlEpcisWriter::new(Vec::new(), &header).map_err(ApiError::internal)?;
            for e in &page.events {
                w.write_event(&e.event).map_err(ApiError::internal)?;
            }
            w.finish().map_err(ApiError::internal)?
        } else {
            let mut w = JsonEpcisWriter::new(Vec::new(), &header).map_err(ApiError::internal)?;
            for e in &page.events {
                w.write_event(&e.event).map_err(ApiError::internal)?;
            }
            w.finish().map_err(ApiError::internal)?
        };
        Ok((bytes, page.next, page.events.len()))
    })
    .await?;
    if not_found_when_empty && n == 0 {
        return Err(ApiError::not_found("event"));
    }
    let mut response = HttpResponse::Ok();
    response.content_type(if xml {
        "application/xml"
    } else {
        "application/ld+json"
    });
    if let Some(next) = next {
        let mut params: Vec<(String, String)> = pairs
            .into_iter()
            .filter(|(k, _)| k != "nextPageToken")
            .collect();
        params.push(("nextPageToken".into(), next.encode()));
        let qs = serde_urlencoded::to_string(&params).map_err(ApiError::internal)?;
        response.insert_header((header::LINK, format!("<{}?{qs}>; rel=\"next\"", req.path())));
    }
    Ok(response.body(bytes))
}

/// A path segment as given: the router leaves `%2F`, `%2B` and `%25` encoded in path segments.
pub fn segment(raw: &str) -> String {
    raw.replace("%2F", "/")
        .replace("%2f", "/")
        .replace("%2B", "+")
        .replace("%2b", "+")
        .replace("%25", "%")
}

/// Events matching the query, ordered by event time, as an `EPCISQueryDocument` (JSON-LD, or
/// XML with `Accept: application/xml`). A further page is announced by a `Link` header
/// (`rel="next"`) carrying `nextPageToken`. Enterprises see the events their users captured.
#[utoipa::path(get, path = "/epcis/events", tag = "epcis", params(QueryParams),
    responses((status = 200, description = "EPCISQueryDocument", content_type = "application/ld+json", body = Object),
        (status = 400, body = super::super::ErrorBody), (status = 413, body = super::super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn query(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(actor): Auth,
) -> Result<HttpResponse, ApiError> {
    let parsed = parse(req.query_string(), &extensions(&req))?;
    answer(&req, &state, &actor, parsed, false).await
}

/// The event with this eventID (percent-encoded in the path), with any error declaration about
/// it, as an `EPCISQueryDocument`; 404 when there is none (or it is not visible to the caller).
#[utoipa::path(get, path = "/epcis/events/{eventID}", tag = "epcis", params(("eventID" = String, Path)),
    responses((status = 200, description = "EPCISQueryDocument", content_type = "application/ld+json", body = Object),
        (status = 404, body = super::super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn event(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(actor): Auth,
    event_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = segment(&event_id.into_inner());
    let q = EventQuery {
        event_ids: vec![id],
        limit: MAX_PER_PAGE,
        ..EventQuery::default()
    };
    let parsed = Parsed {
        query: q,
        pairs: Vec::new(),
        max_event_count: None,
    };
    answer(&req, &state, &actor, parsed, true).await
}

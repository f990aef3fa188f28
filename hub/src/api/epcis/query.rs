//! `GET /epcis/events`: the EPCIS 2.0 query parameters in common use, paged, as JSON-LD or XML.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDateTime};
use registry::epcis::cbv::{self, Vocab};
use registry::epcis::{DocumentHeader, DocumentKind, EventType};
use registry::error::Code;
use registry::events::policy::read_scope;
use registry::events::{EventQuery, IdMatch, PageToken, query_events};
use registry::ids::epc::{self, Canonical};
use reports::epcis::{json::JsonEpcisWriter, xml::XmlEpcisWriter};

use super::super::{ApiError, blocking};
use crate::app::AppState;
use crate::app::Auth;

/// Default page size.
const DEFAULT_PER_PAGE: i64 = 30;
/// Largest page size.
const MAX_PER_PAGE: i64 = 1000;

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
}

fn bad(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(Code::InvalidQuery, format!("{field}: {}", message.into())).with_field(field)
}

fn list(v: &str) -> Vec<&str> {
    v.split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

fn time(field: &str, v: &str) -> Result<NaiveDateTime, ApiError> {
    // A `+` left unescaped in a query string arrives as a space.
    DateTime::parse_from_rfc3339(&v.trim().replace(' ', "+"))
        .map(|t| t.naive_utc())
        .map_err(|e| bad(field, format!("{v:?} is not an RFC 3339 time: {e}")))
}

fn ids(field: &str, v: &str) -> Result<Vec<String>, ApiError> {
    list(v)
        .into_iter()
        .map(|s| match epc::canonicalize(s) {
            Ok(Canonical::Gs1(c)) => Ok(c),
            Ok(Canonical::Other) => Ok(s.to_owned()),
            Err(e) => Err(bad(field, format!("{s:?}: {e}"))),
        })
        .collect()
}

fn vocab(field: &str, voc: Vocab, v: &str) -> Result<Vec<String>, ApiError> {
    list(v)
        .into_iter()
        .map(|s| cbv::normalize(voc, s).map_err(|e| bad(field, e.to_string())))
        .collect()
}

/// `EQ_source_TYPE`, `EQ_destination_TYPE`, `EQ_bizTransaction_TYPE`: the role, the vocabulary
/// of the type, and the type as given.
fn typed(k: &str) -> Option<(&'static str, Vocab, &str)> {
    [
        ("EQ_source_", "source", Vocab::SourceDestType),
        ("EQ_destination_", "destination", Vocab::SourceDestType),
        (
            "EQ_bizTransaction_",
            "bizTransaction",
            Vocab::BizTransactionType,
        ),
    ]
    .into_iter()
    .find_map(|(prefix, role, voc)| {
        k.strip_prefix(prefix)
            .filter(|t| !t.is_empty())
            .map(|t| (role, voc, t))
    })
}

/// Reads the query string into an [`EventQuery`]; unknown or repeated parameters are refused.
fn parse(raw: &str) -> Result<(EventQuery, Vec<(String, String)>), ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw)
        .map_err(|e| ApiError::new(Code::InvalidQuery, e.to_string()))?;
    let mut q = EventQuery {
        limit: DEFAULT_PER_PAGE,
        ..EventQuery::default()
    };
    let mut seen: Vec<&str> = Vec::new();
    for (k, v) in &pairs {
        if seen.contains(&k.as_str()) {
            return Err(bad(k, "given more than once (separate values with |)"));
        }
        seen.push(k);
        let m = |roles: &[&'static str]| -> Result<IdMatch, ApiError> {
            let (patterns, exact): (Vec<&str>, Vec<&str>) = list(v)
                .into_iter()
                .partition(|s| s.starts_with("urn:epc:idpat:"));
            if patterns.len() > 1 {
                return Err(bad(
                    k,
                    "at most one EPC pattern (urn:epc:idpat:...) per parameter",
                ));
            }
            Ok(IdMatch {
                roles: roles.iter().map(|r| (*r).to_owned()).collect(),
                ids: ids(k, &exact.join("|"))?,
                pattern: ids(k, &patterns.join("|"))?.pop(),
            })
        };
        if let Some((role, voc, ty)) = typed(k) {
            let ty = cbv::normalize(voc, ty).map_err(|e| bad(k, e.to_string()))?;
            q.matches.push(IdMatch {
                roles: vec![format!("{role}:{ty}")],
                ids: ids(k, v)?,
                pattern: None,
            });
            continue;
        }
        match k.as_str() {
            "eventType" => {
                for t in list(v) {
                    let t = EventType::parse(t)
                        .ok_or_else(|| bad(k, format!("{t:?} is not an EPCIS event type")))?;
                    q.event_types.push(t.as_str().to_owned());
                }
            }
            "EQ_eventID" => q.event_ids = list(v).into_iter().map(str::to_owned).collect(),
            "GE_eventTime" => q.ge_event_time = Some(time(k, v)?),
            "LT_eventTime" => q.lt_event_time = Some(time(k, v)?),
            "GE_recordTime" => q.ge_record_time = Some(time(k, v)?),
            "LT_recordTime" => q.lt_record_time = Some(time(k, v)?),
            "EQ_action" => {
                for a in list(v) {
                    let a = registry::epcis::Action::parse(a)
                        .ok_or_else(|| bad(k, format!("{a:?} is not ADD, OBSERVE or DELETE")))?;
                    q.actions.push(a.as_str().to_owned());
                }
            }
            "EQ_bizStep" => q.biz_steps = vocab(k, Vocab::BizStep, v)?,
            "EQ_disposition" => q.dispositions = vocab(k, Vocab::Disposition, v)?,
            "EQ_bizLocation" => q.biz_locations = ids(k, v)?,
            "EQ_readPoint" => q.read_points = ids(k, v)?,
            "MATCH_epc" => q.matches.push(m(&["epc", "childEPC"])?),
            "MATCH_parentID" => q.matches.push(m(&["parentID"])?),
            "MATCH_inputEPC" => q.matches.push(m(&["inputEPC"])?),
            "MATCH_outputEPC" => q.matches.push(m(&["outputEPC"])?),
            "MATCH_anyEPC" => q.matches.push(m(&[
                "epc",
                "childEPC",
                "parentID",
                "inputEPC",
                "outputEPC",
            ])?),
            "MATCH_epcClass" => q.matches.push(m(&["epcClass", "childEPCClass"])?),
            "MATCH_inputEPCClass" => q.matches.push(m(&["inputEPCClass"])?),
            "MATCH_outputEPCClass" => q.matches.push(m(&["outputEPCClass"])?),
            "MATCH_anyEPCClass" => q.matches.push(m(&[
                "epcClass",
                "childEPCClass",
                "inputEPCClass",
                "outputEPCClass",
            ])?),
            "perPage" => {
                q.limit = v
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (1..=MAX_PER_PAGE).contains(n))
                    .ok_or_else(|| {
                        bad(
                            k,
                            format!("must be a whole number from 1 to {MAX_PER_PAGE}"),
                        )
                    })?;
            }
            "nextPageToken" => q.after = Some(PageToken::decode(v.trim())?),
            _ => {
                return Err(ApiError::new(
                    Code::UnknownQueryParameter,
                    format!("{k} is not a query parameter of this endpoint"),
                )
                .with_field(k.clone()));
            }
        }
    }
    Ok((q, pairs))
}

fn wants_xml(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/xml") || a.contains("text/xml"))
}

/// Runs `q` for `actor` and writes the page in the binding `Accept` asks for; `pairs` are the
/// request's parameters, repeated in the `Link` to the next page.
async fn answer(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    actor: &registry::identity::Actor,
    mut q: EventQuery,
    pairs: Vec<(String, String)>,
    not_found_when_empty: bool,
) -> Result<HttpResponse, ApiError> {
    let xml = wants_xml(req);
    let db = state.db.clone();
    let actor = actor.clone();
    let (bytes, next, n) = blocking(move || {
        let mut conn = db.conn()?;
        q.scope = Some(read_scope(&mut conn, &actor)?);
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

/// Events matching the query, ordered by event time, as an `EPCISQueryDocument` (JSON-LD, or
/// XML with `Accept: application/xml`). A further page is announced by a `Link` header
/// (`rel="next"`) carrying `nextPageToken`. Enterprises see the events their users captured.
#[utoipa::path(get, path = "/epcis/events", tag = "epcis", params(QueryParams),
    responses((status = 200, description = "EPCISQueryDocument", content_type = "application/ld+json", body = Object),
        (status = 400, body = super::super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn query(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(actor): Auth,
) -> Result<HttpResponse, ApiError> {
    let (q, pairs) = parse(req.query_string())?;
    answer(&req, &state, &actor, q, pairs, false).await
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
    // The router leaves `%2F`, `%2B` and `%25` encoded in path segments.
    let id = event_id
        .into_inner()
        .replace("%2F", "/")
        .replace("%2f", "/")
        .replace("%2B", "+")
        .replace("%2b", "+")
        .replace("%25", "%");
    let q = EventQuery {
        event_ids: vec![id],
        limit: MAX_PER_PAGE,
        ..EventQuery::default()
    };
    answer(&req, &state, &actor, q, Vec::new(), true).await
}

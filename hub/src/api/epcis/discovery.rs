//! The discovery resources of the EPCIS REST binding: `/epcis/eventTypes`, `/epcis/epcs`,
//! `/epcis/bizSteps`, `/epcis/bizLocations`, `/epcis/readPoints`, `/epcis/dispositions` list
//! the values known among the events the caller reads (`registry::events::discovery`), as a
//! JSON-LD `Collection` paged by `perPage` and `nextPageToken`; each `/{value}/events` is the
//! event query with that value as a filter (and any other query parameter).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use registry::epcis::EventType;
use registry::epcis::cbv::Vocab;
use registry::events::IdMatch;
use registry::events::discovery::{EPC_ROLES, Resource, values};
use registry::events::policy::read_scope;
use serde::Deserialize;

use super::query::{answer, extensions, segment};
use crate::app::{AppState, Auth};
use crate::error::{ApiError, blocking};
use adapters::epcis::query::{DEFAULT_PER_PAGE, MAX_PER_PAGE, bad, ids, parse, vocab};

/// The JSON-LD context of the binding's answers.
pub const CONTEXT: &str = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld";

/// Paging of a discovery list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
#[allow(non_snake_case)]
pub struct ListParams {
    /// Page size (1 to 1000, default 30).
    perPage: Option<i64>,
    /// From the `Link: <...>; rel="next"` header of the previous page.
    nextPageToken: Option<String>,
}

/// A page of a discovery list.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Collection {
    /// The JSON-LD context.
    #[serde(rename = "@context")]
    pub context: String,
    /// `Collection`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The values.
    pub member: Vec<String>,
}

fn read_list_params(req: &HttpRequest) -> Result<(i64, Option<String>), ApiError> {
    let params: ListParams = serde_urlencoded::from_str(req.query_string())
        .map_err(|e| ApiError::new(registry::error::Code::UnknownQueryParameter, e.to_string()))?;
    let per_page = params.perPage.unwrap_or(DEFAULT_PER_PAGE);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(bad(
            "perPage",
            format!("must be a whole number from 1 to {MAX_PER_PAGE}"),
        )
        .into());
    }
    let after = match params.nextPageToken {
        None => None,
        Some(t) => Some(
            hex::decode(t.trim())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| bad("nextPageToken", "not a token of this hub"))?,
        ),
    };
    Ok((per_page, after))
}

/// Lists `resource`'s values for the caller.
async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    actor: registry::identity::Actor,
    resource: Resource,
) -> Result<HttpResponse, ApiError> {
    let (per_page, after) = read_list_params(&req)?;
    let db = state.db.clone();
    let page = blocking(move || {
        let mut conn = db.conn()?;
        let scope = read_scope(&mut conn, &actor)?;
        Ok::<_, ApiError>(values(
            &mut conn,
            &scope,
            resource,
            after.as_deref(),
            per_page,
        )?)
    })
    .await?;
    let mut response = HttpResponse::Ok();
    response.content_type("application/ld+json");
    if let (true, Some(last)) = (page.more, page.values.last()) {
        let qs = serde_urlencoded::to_string([
            ("perPage", per_page.to_string()),
            ("nextPageToken", hex::encode(last)),
        ])
        .map_err(ApiError::internal)?;
        response.insert_header((header::LINK, format!("<{}?{qs}>; rel=\"next\"", req.path())));
    }
    Ok(response.json(Collection {
        context: CONTEXT.into(),
        kind: "Collection".into(),
        member: page.values,
    }))
}

/// The events with `value` as `resource`, and the request's other query parameters.
async fn events_of(
    req: HttpRequest,
    state: web::Data<AppState>,
    actor: registry::identity::Actor,
    resource: Resource,
    value: String,
) -> Result<HttpResponse, ApiError> {
    let value = segment(&value);
    let mut parsed = parse(req.query_string(), &extensions(&req))?;
    let q = &mut parsed.query;
    let field = "value";
    match resource {
        Resource::EventTypes => {
            let t = EventType::parse(&value)
                .ok_or_else(|| bad(field, format!("{value:?} is not an EPCIS event type")))?;
            if !q.event_types.is_empty() && !q.event_types.iter().any(|x| x == t.as_str()) {
                return Err(bad("eventType", "leaves out the event type of the path").into());
            }
            q.event_types = vec![t.as_str().to_owned()];
        }
        Resource::Epcs => q.matches.push(IdMatch {
            roles: EPC_ROLES.iter().map(|r| (*r).to_owned()).collect(),
            ids: ids(field, &value)?,
            pattern: None,
        }),
        Resource::BizSteps => q.biz_steps = vocab(field, Vocab::BizStep, &value)?,
        Resource::Dispositions => q.dispositions = vocab(field, Vocab::Disposition, &value)?,
        Resource::BizLocations => q.biz_locations = ids(field, &value)?,
        Resource::ReadPoints => q.read_points = ids(field, &value)?,
    }
    answer(&req, &state, &actor, parsed, false).await
}

/// Declares a discovery resource's two handlers.
macro_rules! discovery {
    ($list:ident, $events:ident, $resource:expr, $path:literal, $events_path:literal, $what:literal) => {
        #[doc = concat!("The ", $what, " of the events the caller reads, as a JSON-LD `Collection` (paged by `perPage` and `nextPageToken`, the next page in `Link`).")]
        #[utoipa::path(get, path = $path, tag = "epcis", params(ListParams),
            responses((status = 200, body = Collection, content_type = "application/ld+json"),
                (status = 400, body = super::super::ErrorBody)),
            security(("bearer" = []), ("session" = [])))]
        pub async fn $list(
            req: HttpRequest,
            state: web::Data<AppState>,
            Auth(actor): Auth,
        ) -> Result<HttpResponse, ApiError> {
            list(req, state, actor, $resource).await
        }

        #[doc = concat!("The events the caller reads with this value (percent-encoded) among their ", $what, ", as `GET /epcis/events` answers (its query parameters apply too).")]
        #[utoipa::path(get, path = $events_path, tag = "epcis",
            params(("value" = String, Path), super::QueryParams),
            responses((status = 200, description = "EPCISQueryDocument", content_type = "application/ld+json", body = Object),
                (status = 400, body = super::super::ErrorBody), (status = 413, body = super::super::ErrorBody)),
            security(("bearer" = []), ("session" = [])))]
        pub async fn $events(
            req: HttpRequest,
            state: web::Data<AppState>,
            Auth(actor): Auth,
            value: web::Path<String>,
        ) -> Result<HttpResponse, ApiError> {
            events_of(req, state, actor, $resource, value.into_inner()).await
        }
    };
}

discovery!(
    event_types,
    event_type_events,
    Resource::EventTypes,
    "/epcis/eventTypes",
    "/epcis/eventTypes/{value}/events",
    "event types"
);
discovery!(
    epcs,
    epc_events,
    Resource::Epcs,
    "/epcis/epcs",
    "/epcis/epcs/{value}/events",
    "EPCs"
);
discovery!(
    biz_steps,
    biz_step_events,
    Resource::BizSteps,
    "/epcis/bizSteps",
    "/epcis/bizSteps/{value}/events",
    "business steps"
);
discovery!(
    biz_locations,
    biz_location_events,
    Resource::BizLocations,
    "/epcis/bizLocations",
    "/epcis/bizLocations/{value}/events",
    "business locations"
);
discovery!(
    read_points,
    read_point_events,
    Resource::ReadPoints,
    "/epcis/readPoints",
    "/epcis/readPoints/{value}/events",
    "read points"
);
discovery!(
    dispositions,
    disposition_events,
    Resource::Dispositions,
    "/epcis/dispositions",
    "/epcis/dispositions/{value}/events",
    "dispositions"
);

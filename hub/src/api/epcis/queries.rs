//! Named queries of the EPCIS REST binding: `POST /epcis/queries` saves a simple event query
//! (`{"name": ..., "query": {...}}`, the query as the standard's query schema writes it: lists
//! as arrays, numbers as numbers; or the XML binding's `Poll` query document with `?name=`), `GET /epcis/queries` lists the caller's, `GET` and `DELETE
//! /epcis/queries/{name}` read and remove one, and `GET /epcis/queries/{name}/events` runs it
//! with the caller's scope of the moment (`perPage` and `nextPageToken` page it). Queries
//! belong to the user who saved them (`registry::events::named`).

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use registry::error::Code;
use registry::events::named::{self, NamedQuery};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::discovery::CONTEXT;
use super::query::{answer, extensions};
use crate::app::{AppState, Auth};
use crate::error::{ApiError, blocking};
use crate::ops::{self, Caller};
use adapters::epcis::query::{pairs_of, parse, parse_pairs, read_poll};

/// A named query to save.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewQuery {
    /// 1 to 100 letters, digits, `-`, `_` or `.`; unique among the caller's queries.
    pub name: String,
    /// The query's parameters, as in the standard's query schema (`{"eventType":
    /// ["ObjectEvent"], "GE_eventTime": "...", "GE_quantity": 1}`); `@context` is ignored.
    #[schema(value_type = Object)]
    pub query: Map<String, Value>,
}

/// A saved query.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SavedQuery {
    /// Its name.
    pub name: String,
    /// Its parameters.
    #[schema(value_type = Object)]
    pub query: Value,
    /// When it was saved (UTC).
    #[serde(with = "registry::time::as_rfc3339")]
    pub created_at: chrono::NaiveDateTime,
}

/// The caller's queries.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueryList {
    /// The JSON-LD context.
    #[serde(rename = "@context")]
    pub context: String,
    /// `Collection`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The queries, by name.
    pub member: Vec<SavedQuery>,
}

fn saved(q: NamedQuery) -> Result<SavedQuery, ApiError> {
    Ok(SavedQuery {
        query: serde_json::from_str(&q.query).map_err(ApiError::internal)?,
        name: q.name,
        created_at: q.created_at,
    })
}

/// The name of a query saved from an XML query document.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct XmlName {
    /// The query's name (for an XML body).
    pub name: Option<String>,
}

fn is_xml(req: &HttpRequest) -> bool {
    req.mime_type()
        .ok()
        .flatten()
        .is_some_and(|m| m.subtype() == mime::XML || m.suffix().is_some_and(|s| s == mime::XML))
}

/// The query to save from the body: `{"name", "query"}` as JSON, or the XML binding's query
/// document (a `Poll` of `SimpleEventQuery`) named by `?name=`.
fn new_query(req: &HttpRequest, bytes: &[u8]) -> Result<NewQuery, ApiError> {
    if !is_xml(req) {
        if !req.content_type().contains("json") {
            return Err(ApiError::new(
                Code::UnsupportedMediaType,
                "the body must be application/json or an XML query document (application/xml)",
            ));
        }
        return crate::http::json::parse(bytes);
    }
    let XmlName { name } = serde_urlencoded::from_str(req.query_string())
        .map_err(|e| ApiError::new(Code::InvalidQuery, e.to_string()))?;
    let name = name.ok_or_else(|| {
        ApiError::new(
            Code::InvalidField,
            "name: an XML query document is saved as ?name=",
        )
        .with_field("name")
    })?;
    Ok(NewQuery {
        name,
        query: read_poll(bytes)?,
    })
}

/// Saves a named query for the caller: JSON `{"name": ..., "query": {...}}`, or an XML query
/// document (`EPCISQueryDocument` with a `Poll` of `SimpleEventQuery`) with the name in
/// `?name=`. The query is read as `GET /epcis/events` reads its parameters: a malformed or
/// unknown parameter is 400 naming it, and nothing is saved.
#[utoipa::path(post, path = "/epcis/queries", tag = "epcis", params(XmlName),
    request_body(content((NewQuery = "application/json"), (String = "application/xml"))),
    responses((status = 201, body = SavedQuery, headers(("Location" = String))),
        (status = 400, body = super::super::ErrorBody), (status = 409, body = super::super::ErrorBody),
        (status = 415, body = super::super::ErrorBody), (status = 422, body = super::super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    bytes: Bytes,
) -> Result<HttpResponse, ApiError> {
    let body = new_query(&req, &bytes)?;
    named::check_name(&body.name)?;
    let pairs = pairs_of(&body.query)?;
    parse_pairs(pairs, &extensions(&req)).map_err(|e| {
        let e = ApiError::from(e);
        let field = e.field().map(|f| format!("query.{f}"));
        match field {
            Some(f) => e.with_field(f),
            None => e,
        }
    })?;
    let text = serde_json::to_string(&body.query).map_err(ApiError::internal)?;
    let name = body.name;
    let query = blocking(move || ops::epcis_queries::save(&state, &caller, &name, &text)).await?;
    let location = format!("/epcis/queries/{}", query.name);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(saved(query)?))
}

/// The caller's named queries, by name.
#[utoipa::path(get, path = "/epcis/queries", tag = "epcis",
    responses((status = 200, body = QueryList)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    Auth(actor): Auth,
) -> Result<web::Json<QueryList>, ApiError> {
    let db = state.db.clone();
    let found =
        blocking(move || Ok::<_, ApiError>(named::list(&mut *db.conn()?, actor.user_id)?)).await?;
    Ok(web::Json(QueryList {
        context: CONTEXT.into(),
        kind: "Collection".into(),
        member: found.into_iter().map(saved).collect::<Result<_, _>>()?,
    }))
}

async fn find(
    state: &web::Data<AppState>,
    actor: &registry::identity::Actor,
    name: String,
) -> Result<NamedQuery, ApiError> {
    let db = state.db.clone();
    let owner = actor.user_id;
    blocking(move || {
        named::find(&mut *db.conn()?, owner, &name)?.ok_or_else(|| ApiError::not_found("query"))
    })
    .await
}

/// One of the caller's named queries; 404 when the caller has none of that name.
#[utoipa::path(get, path = "/epcis/queries/{name}", tag = "epcis", params(("name" = String, Path)),
    responses((status = 200, body = SavedQuery), (status = 404, body = super::super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn one(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    name: web::Path<String>,
) -> Result<web::Json<SavedQuery>, ApiError> {
    let found = find(&state, &actor, name.into_inner()).await?;
    Ok(web::Json(saved(found)?))
}

/// Deletes one of the caller's named queries; 404 when the caller has none of that name.
#[utoipa::path(delete, path = "/epcis/queries/{name}", tag = "epcis", params(("name" = String, Path)),
    responses((status = 204), (status = 404, body = super::super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let name = name.into_inner();
    blocking(move || ops::epcis_queries::delete(&state, &caller, &name)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Runs one of the caller's named queries, with the caller's scope, as `GET /epcis/events`
/// answers; `perPage` and `nextPageToken` page it (any other parameter is 400).
#[utoipa::path(get, path = "/epcis/queries/{name}/events", tag = "epcis",
    params(("name" = String, Path),
        ("perPage" = Option<i64>, Query, description = "Page size (1 to 1000, default 30)."),
        ("nextPageToken" = Option<String>, Query, description = "From the `Link` of the previous page.")),
    responses((status = 200, description = "EPCISQueryDocument", content_type = "application/ld+json", body = Object),
        (status = 400, body = super::super::ErrorBody), (status = 404, body = super::super::ErrorBody),
        (status = 413, body = super::super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn events(
    req: HttpRequest,
    state: web::Data<AppState>,
    Auth(actor): Auth,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let found = find(&state, &actor, name.into_inner()).await?;
    let stored: Map<String, Value> =
        serde_json::from_str(&found.query).map_err(ApiError::internal)?;
    let mut pairs = pairs_of(&stored)?;
    let paging = parse(req.query_string(), &extensions(&req))?;
    for (k, v) in paging.pairs {
        if k != "perPage" && k != "nextPageToken" {
            return Err(ApiError::new(
                Code::UnknownQueryParameter,
                format!("{k}: a named query takes only perPage and nextPageToken"),
            )
            .with_field(k));
        }
        pairs.retain(|(stored, _)| *stored != k);
        pairs.push((k, v));
    }
    let mut parsed = parse_pairs(pairs, &extensions(&req))?;
    // The next page's link carries only the paging; the rest is the stored query.
    parsed
        .pairs
        .retain(|(k, _)| k == "perPage" || k == "nextPageToken");
    answer(&req, &state, &actor, parsed, false).await
}

//! Documents: upload (multipart form or raw body), list, read, download, publication, and the
//! public verification by content hash.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use registry::documents::{self, Document, DocumentType, NewDocument, Staged, Verification};
use registry::error::Code;
use registry::filings::Paging;
use serde::Deserialize;

use super::{ApiError, Json, blocking};
use crate::app::{AppState, Auth};
use crate::http::csrf::CSRF_FIELD;
use crate::http::upload::{invalid_field, receive, require_own, serve, stage};
use crate::ops::{self, Caller};

/// The multipart form of an upload: the file and its description.
#[derive(utoipa::ToSchema)]
#[allow(
    dead_code,
    reason = "describes the form in the OpenAPI document; the handler reads the parts as they stream"
)]
pub struct DocumentForm {
    /// The document (its part's Content-Type and file name are kept).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    doc_type: DocumentType,
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    issuer: String,
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    number: String,
    valid_from: NaiveDate,
    /// Leave the part out for none (a form has no null).
    #[schema(nullable = false)]
    valid_to: Option<NaiveDate>,
    #[schema(nullable = false)]
    product_id: Option<i64>,
    #[schema(nullable = false)]
    batch_id: Option<i64>,
    #[schema(nullable = false)]
    published: Option<bool>,
    /// Overrides the file part's name.
    #[schema(nullable = false)]
    filename: Option<String>,
}

/// Publication of a document on its product page.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    pub published: bool,
}

/// The description from text fields (form parts or query parameters), each named in errors
/// (a form's `csrf_token` aside).
fn describe(fields: &[(String, String)]) -> Result<NewDocument, ApiError> {
    let get = |name: &str| {
        fields
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
    };
    let required = |name: &str| {
        get(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| invalid_field(name, format!("{name}: missing")))
    };
    let date = |name: &str, value: &str| {
        NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map_err(|_| invalid_field(name, format!("{name}: {value:?} is not a date YYYY-MM-DD")))
    };
    let id = |name: &str| {
        get(name)
            .filter(|v| !v.is_empty())
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| invalid_field(name, format!("{name}: {v:?} is not an id")))
            })
            .transpose()
    };
    const KNOWN: [&str; 9] = [
        "doc_type",
        "issuer",
        "number",
        "valid_from",
        "valid_to",
        "product_id",
        "batch_id",
        "published",
        "filename",
    ];
    if let Some((unknown, _)) = fields
        .iter()
        .find(|(k, _)| !KNOWN.contains(&k.as_str()) && k != CSRF_FIELD)
    {
        return Err(invalid_field(unknown, format!("{unknown}: unknown field")));
    }
    let published = match get("published").unwrap_or("false") {
        "true" | "1" | "on" => true,
        "false" | "0" | "off" | "" => false,
        other => {
            return Err(invalid_field(
                "published",
                format!("published: {other:?} is not true or false"),
            ));
        }
    };
    Ok(NewDocument {
        doc_type: DocumentType::parse(required("doc_type")?, "doc_type")?,
        issuer: required("issuer")?.to_owned(),
        number: required("number")?.to_owned(),
        valid_from: date("valid_from", required("valid_from")?)?,
        valid_to: get("valid_to")
            .filter(|v| !v.is_empty())
            .map(|v| date("valid_to", v))
            .transpose()?,
        product_id: id("product_id")?,
        batch_id: id("batch_id")?,
        published,
        filename: get("filename").map(str::to_owned),
    })
}

/// Files the staged document with its audit entry, in one transaction: 201 with the document.
async fn file(
    state: web::Data<AppState>,
    caller: Caller,
    id: i64,
    new: NewDocument,
    content_type: String,
    staged: Staged,
) -> Result<HttpResponse, ApiError> {
    let document =
        blocking(move || ops::documents::file(&state, &caller, id, &new, &content_type, staged))
            .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/documents/{}", document.id),
        ))
        .json(document))
}

/// Uploads a document as a multipart form: the `file` part and the description's fields.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/documents", tag = "documents", params(("id" = i64, Path)),
    request_body(content = DocumentForm, content_type = "multipart/form-data"),
    responses((status = 201, body = Document), (status = 400, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 413, body = super::ErrorBody), (status = 415, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn upload(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    require_own(&caller.actor, id)?;
    let received = receive(&state, &req, payload).await?;
    let Some((staged, part_type, part_name)) = received.file else {
        return Err(invalid_field("file", "file: missing"));
    };
    let mut new = describe(&received.fields)?;
    if new.filename.is_none() {
        new.filename = part_name;
    }
    let content_type = documents::content_type(part_type.as_deref())?;
    file(state, caller, id, new, content_type, staged).await
}

/// Uploads a document as the raw body (its Content-Type is the document's), described by the
/// query parameters.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/documents/raw", tag = "documents", params(("id" = i64, Path), NewDocument),
    request_body(content = String, description = "the document's bytes", content_type = "application/octet-stream"),
    responses((status = 201, body = Document), (status = 400, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 409, body = super::ErrorBody), (status = 413, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn upload_raw(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    require_own(&caller.actor, id)?;
    let fields: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string())
        .map_err(|e| ApiError::new(Code::InvalidQuery, e.to_string()))?;
    let new = describe(&fields)?;
    let content_type = documents::content_type(
        req.headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
    )?;
    let staged = stage(&state, payload).await?;
    file(state, caller, id, new, content_type, staged).await
}

/// How to order an enterprise's documents.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentOrder {
    /// `created_at` (default `-created_at`, newest first), `doc_type`, `issuer`, `number`,
    /// `valid_to`, `size_bytes` or `published`; `-` in front for descending. Ties newest first.
    #[param(pattern = "^(-?(created_at|doc_type|issuer|number|valid_to|size_bytes|published))?$")]
    pub sort: Option<String>,
}

/// The documents of an enterprise, newest first unless `sort` says otherwise.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/documents", tag = "documents", params(("id" = i64, Path), Paging, DocumentOrder),
    responses((status = 200, body = [Document]), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
    paging: web::Query<Paging>,
    order: web::Query<DocumentOrder>,
) -> Result<web::Json<Vec<Document>>, ApiError> {
    let (id, paging, sort) = (
        id.into_inner(),
        paging.into_inner(),
        order.into_inner().sort,
    );
    let db = state.db.clone();
    let list = blocking(move || {
        Ok(documents::list_documents(
            &mut *db.conn()?,
            &actor,
            id,
            paging,
            sort.as_deref(),
        )?)
    })
    .await?;
    Ok(web::Json(list))
}

/// One document's description.
#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, body = Document), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Document>, ApiError> {
    let id = id.into_inner();
    let db = state.db.clone();
    let document =
        blocking(move || Ok(documents::find_document(&mut *db.conn()?, &actor, id)?)).await?;
    Ok(web::Json(document))
}

/// A document's bytes, with its content type and SHA-256 (`ETag`, `Repr-Digest`).
#[utoipa::path(get, path = "/api/v1/documents/{id}/content", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, description = "the document", content_type = "application/octet-stream", body = String,
            headers(("ETag" = String), ("Repr-Digest" = String))),
        (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn content(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let db = state.db.clone();
    let store = state.config.document_store();
    let (document, bytes) = blocking(move || {
        let mut conn = db.conn()?;
        let document = documents::find_document(&mut conn, &actor, id)?;
        let bytes = documents::document_content(&mut conn, &store, &document)?;
        Ok((document, bytes))
    })
    .await?;
    Ok(serve(&document, bytes))
}

/// Publishes a document on its product page, or withdraws it.
#[utoipa::path(patch, path = "/api/v1/documents/{id}", tag = "documents", params(("id" = i64, Path)),
    request_body = Publication,
    responses((status = 200, body = Document), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn publish(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<Publication>,
) -> Result<web::Json<Document>, ApiError> {
    let (id, published) = (id.into_inner(), body.0.published);
    let document =
        blocking(move || ops::documents::set_published(&state, &caller, id, published)).await?;
    Ok(web::Json(document))
}

/// Verification for customs and inspectors: whether a document with this SHA-256 is on file,
/// with its issuer, number and validity (never the bytes; published ones can be downloaded
/// from `.../content`). 404 when none is.
#[utoipa::path(get, path = "/api/v1/public/documents/{sha256}", tag = "documents", params(("sha256" = String, Path, pattern = r"^[0-9a-fA-F]{64}$")),
    responses((status = 200, body = Verification), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn verify(
    state: web::Data<AppState>,
    sha256: web::Path<String>,
) -> Result<web::Json<Verification>, ApiError> {
    let sha256 = sha256.into_inner();
    let db = state.db.clone();
    let today = state.now().date();
    let verification =
        blocking(move || Ok(documents::verify(&mut *db.conn()?, &sha256, today)?)).await?;
    Ok(web::Json(verification))
}

/// The bytes of a published document, by SHA-256; 404 unless some product page publishes it.
#[utoipa::path(get, path = "/api/v1/public/documents/{sha256}/content", tag = "documents", params(("sha256" = String, Path, pattern = r"^[0-9a-fA-F]{64}$")),
    responses((status = 200, description = "the document", content_type = "application/octet-stream", body = String,
            headers(("ETag" = String), ("Repr-Digest" = String))),
        (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn public_content(
    state: web::Data<AppState>,
    sha256: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let sha256 = sha256.into_inner();
    let db = state.db.clone();
    let store = state.config.document_store();
    let (document, bytes) = blocking(move || {
        Ok(documents::published_content(
            &mut *db.conn()?,
            &store,
            &sha256,
        )?)
    })
    .await?;
    Ok(serve(&document, bytes))
}

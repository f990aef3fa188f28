//! Documents: upload (multipart form or raw body), list, read, download, publication, and the
//! public verification by content hash.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use futures_util::{Stream, StreamExt};
use registry::documents::{
    self, Document, DocumentType, NewDocument, StageError, Staged, Stager, Verification,
};
use registry::error::Code;
use registry::filings::Paging;
use registry::identity::{Actor, Role};
use serde::Deserialize;
use serde_json::json;
use tracing_actix_web::RequestId;

use super::{ApiError, Json, audit, blocking};
use crate::app::AppState;
use crate::app::Auth;
use crate::http::csrf::CSRF_FIELD;

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
    issuer: String,
    number: String,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    product_id: Option<i64>,
    batch_id: Option<i64>,
    published: Option<bool>,
    /// Overrides the file part's name.
    filename: Option<String>,
}

/// Publication of a document on its product page.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    pub published: bool,
}

fn invalid_field(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(Code::InvalidField, message).with_field(field)
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

fn stage_error(e: StageError) -> ApiError {
    match e {
        StageError::TooLarge { limit } => ApiError::new(
            Code::PayloadTooLarge,
            format!("the document exceeds the limit of {limit} bytes"),
        ),
        StageError::Io(cause) => ApiError::internal(cause),
    }
}

/// Streams `body` into a new staged upload, within the configured limit.
async fn stage<S, E>(state: &AppState, mut body: S) -> Result<Staged, ApiError>
where
    S: Stream<Item = Result<web::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut stager: Stager = state.config.document_store().stage().map_err(stage_error)?;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| ApiError::new(Code::UnreadableBody, e.to_string()))?;
        stager.write(&chunk).map_err(stage_error)?;
    }
    stager.finish().map_err(stage_error)
}

/// Uploads go to one's own enterprise only: refuse others before receiving the bytes.
pub(crate) fn require_own(actor: &Actor, id: i64) -> Result<(), ApiError> {
    if actor.role == Role::Enterprise && actor.enterprise_id == Some(id) {
        Ok(())
    } else {
        Err(ApiError::not_found("enterprise"))
    }
}

/// Files the staged document with its audit entry, in one transaction: 201 with the document.
async fn file(
    state: web::Data<AppState>,
    actor: Actor,
    request_id: RequestId,
    id: i64,
    new: NewDocument,
    content_type: String,
    staged: Staged,
) -> Result<HttpResponse, ApiError> {
    let document =
        file_document_audited(state, actor, request_id, id, new, content_type, staged).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/documents/{}", document.id),
        ))
        .json(document))
}

/// The audited filing behind the uploads, shared with the portal: the staged content placed,
/// the row and the audit entry written in one transaction.
pub async fn file_document_audited(
    state: web::Data<AppState>,
    actor: Actor,
    request_id: RequestId,
    id: i64,
    new: NewDocument,
    content_type: String,
    staged: Staged,
) -> Result<Document, ApiError> {
    let store = state.config.document_store();
    blocking(move || {
        state.db.transaction(|conn| {
            let document = documents::file_document(
                conn, state.now(),
                &actor,
                id,
                &new,
                &content_type,
                staged,
                &store,
            )?;
            let detail = json!({ "enterprise_id": id, "doc_type": document.doc_type, "number": document.number, "sha256": document.sha256, "size_bytes": document.size_bytes, "published": document.published });
            audit(conn, &state, &actor, &request_id, "document.file", &format!("document:{}", document.id), detail)?;
            Ok(document)
        })
    })
    .await
}

/// A multipart upload as received: its text fields, and the file part staged (with the part's
/// content type and file name) when there is one.
pub struct Received {
    pub fields: Vec<(String, String)>,
    pub file: Option<(Staged, Option<String>, Option<String>)>,
}

/// Reads a `multipart/form-data` upload: text fields up to 4096 bytes each, one `file` part
/// streamed into the store's staging within `documents.max_bytes` (413 past it).
pub async fn receive(
    state: &AppState,
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<Received, ApiError> {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_form {
        return Err(ApiError::new(
            Code::UnsupportedMediaType,
            "the body must be multipart/form-data (or use .../documents/raw)",
        ));
    }
    let mut form = Multipart::new(req.headers(), payload);
    let mut received = Received {
        fields: Vec::new(),
        file: None,
    };
    while let Some(part) = form.next().await {
        let mut part = part.map_err(|e| ApiError::new(Code::InvalidMultipart, e.to_string()))?;
        let name = part.name().unwrap_or_default().to_owned();
        if name == "file" {
            if received.file.is_some() {
                return Err(invalid_field("file", "file: more than one file part"));
            }
            let content_type = part.content_type().map(ToString::to_string);
            let filename = part
                .content_disposition()
                .and_then(|d| d.get_filename())
                .map(str::to_owned);
            received.file = Some((stage(state, &mut part).await?, content_type, filename));
        } else {
            let value = part
                .bytes(4096)
                .await
                .map_err(|_| invalid_field(&name, format!("{name}: longer than 4096 bytes")))?
                .map_err(|e| ApiError::new(Code::InvalidMultipart, e.to_string()))?;
            let value = String::from_utf8(value.to_vec())
                .map_err(|_| invalid_field(&name, format!("{name}: not UTF-8")))?;
            received.fields.push((name, value));
        }
    }
    Ok(received)
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
    Auth(actor): Auth,
    request_id: RequestId,
    id: web::Path<i64>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    require_own(&actor, id)?;
    let received = receive(&state, &req, payload).await?;
    let Some((staged, part_type, part_name)) = received.file else {
        return Err(invalid_field("file", "file: missing"));
    };
    let mut new = describe(&received.fields)?;
    if new.filename.is_none() {
        new.filename = part_name;
    }
    let content_type = documents::content_type(part_type.as_deref())?;
    file(state, actor, request_id, id, new, content_type, staged).await
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
    Auth(actor): Auth,
    request_id: RequestId,
    id: web::Path<i64>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    require_own(&actor, id)?;
    let fields: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string())
        .map_err(|e| ApiError::new(Code::InvalidQuery, e.to_string()))?;
    let new = describe(&fields)?;
    let content_type = documents::content_type(
        req.headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
    )?;
    let staged = stage(&state, payload).await?;
    file(state, actor, request_id, id, new, content_type, staged).await
}

/// How to order an enterprise's documents.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentOrder {
    /// `created_at` (default `-created_at`, newest first), `doc_type`, `issuer`, `number`,
    /// `valid_to`, `size_bytes` or `published`; `-` in front for descending. Ties newest first.
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
    Auth(actor): Auth,
    request_id: RequestId,
    id: web::Path<i64>,
    body: Json<Publication>,
) -> Result<web::Json<Document>, ApiError> {
    let document =
        set_published_audited(state, actor, request_id, id.into_inner(), body.0.published).await?;
    Ok(web::Json(document))
}

/// The audited publication behind `PATCH /api/v1/documents/{id}`, shared with the portal.
pub async fn set_published_audited(
    state: web::Data<AppState>,
    actor: Actor,
    request_id: RequestId,
    id: i64,
    published: bool,
) -> Result<Document, ApiError> {
    blocking(move || {
        state.db.transaction(|conn| {
            let document = documents::set_published(conn, state.now(), &actor, id, published)?;
            let action = if published {
                "document.publish"
            } else {
                "document.withdraw"
            };
            let detail =
                json!({ "enterprise_id": document.enterprise_id, "sha256": document.sha256 });
            audit(
                conn,
                &state,
                &actor,
                &request_id,
                action,
                &format!("document:{id}"),
                detail,
            )?;
            Ok(document)
        })
    })
    .await
}

/// Verification for customs and inspectors: whether a document with this SHA-256 is on file,
/// with its issuer, number and validity (never the bytes; published ones can be downloaded
/// from `.../content`). 404 when none is.
#[utoipa::path(get, path = "/api/v1/public/documents/{sha256}", tag = "documents", params(("sha256" = String, Path)),
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
#[utoipa::path(get, path = "/api/v1/public/documents/{sha256}/content", tag = "documents", params(("sha256" = String, Path)),
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

/// The response carrying a document: its type, its name, and its hash as `ETag` and as an
/// RFC 9530 `Repr-Digest`. Only PDFs and images are shown inline.
pub(crate) fn serve(document: &Document, bytes: Vec<u8>) -> HttpResponse {
    use base64::Engine;
    let digest = hex::decode(&document.sha256).unwrap_or_default();
    let inline =
        document.content_type == "application/pdf" || document.content_type.starts_with("image/");
    let disposition = format!(
        "{}; filename=\"{}\"; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        document
            .filename
            .chars()
            .map(|c| if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            })
            .collect::<String>(),
        percent_encode(&document.filename)
    );
    HttpResponse::Ok()
        .content_type(document.content_type.as_str())
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::ETAG, format!("\"{}\"", document.sha256)))
        .insert_header((
            "repr-digest",
            format!(
                "sha-256=:{}:",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ),
        ))
        .insert_header(("x-content-sha256", document.sha256.as_str()))
        .body(bytes)
}

/// RFC 5987 value characters kept, everything else percent-encoded as UTF-8.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

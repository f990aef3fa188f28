//! Document bytes over HTTP, shared by the API and the portal: uploads received (multipart
//! or raw) and streamed into the store's staging within the limit, uploads only hashed (to
//! verify a file), and documents served with their hash.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::{Stream, StreamExt};
use registry::documents::{Document, StageError, Staged, Stager};
use registry::error::Code;
use registry::identity::{Actor, Role};
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::error::ApiError;

/// A 400 naming the field of the upload at fault.
pub fn invalid_field(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(Code::InvalidField, message).with_field(field)
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
pub async fn stage<S, E>(state: &AppState, mut body: S) -> Result<Staged, ApiError>
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
pub fn require_own(actor: &Actor, id: i64) -> Result<(), ApiError> {
    if actor.role == Role::Enterprise && actor.enterprise_id == Some(id) {
        Ok(())
    } else {
        Err(ApiError::not_found("enterprise"))
    }
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
    receive_named(state, req, payload, "file").await
}

/// Like [`receive`], the file in the part named `file_part` (`photo`...).
pub async fn receive_named(
    state: &AppState,
    req: &HttpRequest,
    payload: web::Payload,
    file_part: &str,
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
        if name == file_part {
            if received.file.is_some() {
                return Err(invalid_field(
                    file_part,
                    format!("{file_part}: more than one file part"),
                ));
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

/// An upload hashed and not kept (verification by file): the SHA-256 of its `file` part, and
/// its other parts as text.
pub struct Hashed {
    /// `None` when no file was chosen (a form's file input left empty sends a part without a
    /// file name).
    pub sha256: Option<String>,
    pub fields: Vec<(String, String)>,
}

fn too_large(limit: u64) -> ApiError {
    ApiError::new(
        Code::PayloadTooLarge,
        format!("the document exceeds the limit of {limit} bytes"),
    )
}

/// Hashes the `file` part of a `multipart/form-data` body within `limit` bytes (413 past it);
/// other parts are read as text up to 4096 bytes each. Nothing is kept.
pub async fn hash_multipart(
    req: &HttpRequest,
    payload: web::Payload,
    limit: u64,
) -> Result<Hashed, ApiError> {
    let mut form = Multipart::new(req.headers(), payload);
    let mut hashed = Hashed {
        sha256: None,
        fields: Vec::new(),
    };
    while let Some(part) = form.next().await {
        let mut part = part.map_err(|e| ApiError::new(Code::InvalidMultipart, e.to_string()))?;
        let name = part.name().unwrap_or_default().to_owned();
        if name != "file" {
            let value = part
                .bytes(4096)
                .await
                .map_err(|_| invalid_field(&name, format!("{name}: longer than 4096 bytes")))?
                .map_err(|e| ApiError::new(Code::InvalidMultipart, e.to_string()))?;
            let value = String::from_utf8(value.to_vec())
                .map_err(|_| invalid_field(&name, format!("{name}: not UTF-8")))?;
            hashed.fields.push((name, value));
            continue;
        }
        let chosen = part
            .content_disposition()
            .and_then(|d| d.get_filename())
            .is_some_and(|name| !name.is_empty());
        let (mut hasher, mut size) = (Sha256::new(), 0u64);
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(|e| ApiError::new(Code::InvalidMultipart, e.to_string()))?;
            size += chunk.len() as u64;
            if size > limit {
                return Err(too_large(limit));
            }
            hasher.update(&chunk);
        }
        if chosen {
            hashed.sha256 = Some(hex::encode(hasher.finalize()));
        }
    }
    Ok(hashed)
}

/// Hashes a whole body within `limit` bytes (413 past it); nothing is kept.
pub async fn hash_body(mut body: web::Payload, limit: u64) -> Result<String, ApiError> {
    let (mut hasher, mut size) = (Sha256::new(), 0u64);
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| ApiError::new(Code::UnreadableBody, e.to_string()))?;
        size += chunk.len() as u64;
        if size > limit {
            return Err(too_large(limit));
        }
        hasher.update(&chunk);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// The response carrying a document: its type, its name, and its hash as `ETag` and as an
/// RFC 9530 `Repr-Digest`. Only PDFs and images are shown inline.
pub fn serve(document: &Document, bytes: Vec<u8>) -> HttpResponse {
    serve_file(
        &FileMeta {
            content_type: &document.content_type,
            filename: &document.filename,
            sha256: &document.sha256,
        },
        bytes,
    )
}

/// What a served file is.
pub struct FileMeta<'a> {
    pub content_type: &'a str,
    pub filename: &'a str,
    pub sha256: &'a str,
}

/// The response carrying a stored file (a document, spot-check evidence), as [`serve`] says.
pub fn serve_file(document: &FileMeta<'_>, bytes: Vec<u8>) -> HttpResponse {
    use base64::Engine;
    let digest = hex::decode(document.sha256).unwrap_or_default();
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
        percent_encode(document.filename)
    );
    HttpResponse::Ok()
        .content_type(document.content_type)
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::ETAG, format!("\"{}\"", document.sha256)))
        .insert_header((
            "repr-digest",
            format!(
                "sha-256=:{}:",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ),
        ))
        .insert_header(("x-content-sha256", document.sha256))
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

//! The evidence ledger, for anyone (no sign-in, as `/verify`): the signing key, signed tree
//! heads, leaves, inclusion and consistency proofs, and the verification of a file or a hash
//! in one request. All hashes are hex. What the bytes mean is documented in `registry::ledger`.
//!
//! An auditor (or another hub) mirrors the heads (`GET /ledger/heads?after=`), checks each
//! signature against `GET /ledger/key`, and asks for a consistency proof between every two
//! heads it saw: a head that does not extend an earlier one is a fork.

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use registry::error::Code;
use registry::ledger::{self, ConsistencyProof, InclusionProof, Leaf, SignedHead};
use serde::Deserialize;

use super::{ApiError, blocking};
use crate::app::AppState;
use crate::http::upload::{hash_body, hash_multipart, invalid_field};
use crate::ops::ledger::{self as ops_ledger, LedgerVerification};

/// The public key that signs tree heads, PEM (SubjectPublicKeyInfo; ECDSA P-256). Its SHA-256
/// (of the DER) is the `key_id` of the heads it signed, also in the `Key-Id` header.
#[utoipa::path(get, path = "/ledger/key", tag = "ledger",
    responses((status = 200, description = "the public key", content_type = "application/x-pem-file", body = String,
        headers(("Key-Id" = String, description = "SHA-256 of the key's DER SubjectPublicKeyInfo, hex"))),
        (status = 503, body = super::ErrorBody)))]
pub async fn key(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let key = state.ledger_signer()?;
    Ok(HttpResponse::Ok()
        .content_type("application/x-pem-file")
        .insert_header(("key-id", key.key_id()))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(key.public_pem().to_owned()))
}

/// The newest signed tree head; 404 before the first publication.
#[utoipa::path(get, path = "/ledger/heads/latest", tag = "ledger",
    responses((status = 200, body = SignedHead), (status = 404, body = super::ErrorBody)))]
pub async fn latest(state: web::Data<AppState>) -> Result<web::Json<SignedHead>, ApiError> {
    let db = state.db.clone();
    let head = blocking(move || Ok(ledger::latest_head(&mut *db.conn()?)?))
        .await?
        .ok_or_else(|| ApiError::not_found("signed tree head"))?;
    Ok(web::Json(head))
}

/// The signed tree head of `tree_size` leaves; 404 when none was published at that size.
#[utoipa::path(get, path = "/ledger/heads/{tree_size}", tag = "ledger",
    params(("tree_size" = i64, Path, minimum = 1)),
    responses((status = 200, body = SignedHead), (status = 404, body = super::ErrorBody)))]
pub async fn head(
    state: web::Data<AppState>,
    tree_size: web::Path<i64>,
) -> Result<web::Json<SignedHead>, ApiError> {
    let (db, size) = (state.db.clone(), tree_size.into_inner());
    Ok(web::Json(
        blocking(move || Ok(ledger::head(&mut *db.conn()?, size)?)).await?,
    ))
}

/// A page of signed tree heads, smallest first.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HeadsQuery {
    /// Heads of sizes above this (the last size a mirror holds; default 0).
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// At most this many (1 to 1000, default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

/// Signed tree heads in order of size, for mirrors: ask again with `after` = the last size.
#[utoipa::path(get, path = "/ledger/heads", tag = "ledger", params(HeadsQuery),
    responses((status = 200, body = [SignedHead])))]
pub async fn heads(
    state: web::Data<AppState>,
    query: web::Query<HeadsQuery>,
) -> Result<web::Json<Vec<SignedHead>>, ApiError> {
    let (db, after, limit) = (
        state.db.clone(),
        query.after.unwrap_or(0),
        query.limit.unwrap_or(100),
    );
    if after < 0 {
        return Err(
            ApiError::new(Code::InvalidPage, "after: must be 0 or more").with_field("after")
        );
    }
    Ok(web::Json(
        blocking(move || Ok(ledger::list_heads(&mut *db.conn()?, after, limit)?)).await?,
    ))
}

/// A page of leaves in order.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeavesQuery {
    /// The first leaf index (default 0).
    #[param(minimum = 0)]
    pub start: Option<i64>,
    /// At most this many (1 to 1000, default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

/// Leaves in order from `start`, each with its bytes (`leaf`), so that an auditor can
/// recompute every leaf hash and root.
#[utoipa::path(get, path = "/ledger/leaves", tag = "ledger", params(LeavesQuery),
    responses((status = 200, body = [Leaf])))]
pub async fn leaves(
    state: web::Data<AppState>,
    query: web::Query<LeavesQuery>,
) -> Result<web::Json<Vec<Leaf>>, ApiError> {
    let (db, start, limit) = (
        state.db.clone(),
        query.start.unwrap_or(0),
        query.limit.unwrap_or(100),
    );
    Ok(web::Json(
        blocking(move || Ok(ledger::list_leaves(&mut *db.conn()?, start, limit)?)).await?,
    ))
}

/// Which inclusion proof.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InclusionQuery {
    #[param(minimum = 0)]
    pub leaf_index: i64,
    /// The size of the tree to prove against (a signed head's), above `leaf_index`.
    #[param(minimum = 1)]
    pub tree_size: i64,
}

/// The audit path of leaf `leaf_index` in the tree of `tree_size` leaves (RFC 9162 §2.1.3),
/// with that tree's root.
#[utoipa::path(get, path = "/ledger/proof/inclusion", tag = "ledger", params(InclusionQuery),
    responses((status = 200, body = InclusionProof)))]
pub async fn inclusion(
    state: web::Data<AppState>,
    query: web::Query<InclusionQuery>,
) -> Result<web::Json<InclusionProof>, ApiError> {
    let (db, index, size) = (state.db.clone(), query.leaf_index, query.tree_size);
    Ok(web::Json(
        blocking(move || Ok(ledger::inclusion_proof(&mut *db.conn()?, index, size)?)).await?,
    ))
}

/// Which consistency proof.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsistencyQuery {
    /// The earlier tree's size.
    #[param(minimum = 1)]
    pub first: i64,
    /// The later tree's size, at least `first`.
    #[param(minimum = 1)]
    pub second: i64,
}

/// That the tree of `second` leaves extends the tree of `first` (RFC 9162 §2.1.4), with both
/// roots: how a mirror tells growth from a fork.
#[utoipa::path(get, path = "/ledger/proof/consistency", tag = "ledger", params(ConsistencyQuery),
    responses((status = 200, body = ConsistencyProof)))]
pub async fn consistency(
    state: web::Data<AppState>,
    query: web::Query<ConsistencyQuery>,
) -> Result<web::Json<ConsistencyProof>, ApiError> {
    let (db, first, second) = (state.db.clone(), query.first, query.second);
    Ok(web::Json(
        blocking(move || Ok(ledger::consistency_proof(&mut *db.conn()?, first, second)?)).await?,
    ))
}

/// A content to verify by its hash.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LedgerVerifyRequest {
    /// The document's SHA-256, hex.
    #[schema(pattern = r"^[0-9a-fA-F]{64}$")]
    pub sha256: String,
    /// Prove against the signed head of this size (default: the latest).
    #[serde(default)]
    #[schema(minimum = 1)]
    pub tree_size: Option<i64>,
}

/// A file to verify, hashed by the hub and not kept (no other part is taken).
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(
    dead_code,
    reason = "describes the form in the OpenAPI document; the handler hashes the parts as they stream"
)]
pub struct LedgerVerifyForm {
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Prove against the signed head of this size (default: the latest).
    #[schema(minimum = 1, nullable = false)]
    tree_size: Option<i64>,
}

/// For a raw body: the head to prove against.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VerifyQuery {
    /// Prove against the signed head of this size (default: the latest; JSON and form bodies
    /// carry it themselves).
    #[param(minimum = 1)]
    pub tree_size: Option<i64>,
}

/// A small body, whole (413 past `limit` bytes).
async fn read_limited(mut payload: web::Payload, limit: usize) -> Result<Vec<u8>, ApiError> {
    use futures_util::StreamExt;
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::new(Code::UnreadableBody, e.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::new(
                Code::PayloadTooLarge,
                "the body exceeds the size limit",
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn tree_size_field(value: &str) -> Result<i64, ApiError> {
    value
        .trim()
        .parse()
        .map_err(|_| invalid_field("tree_size", format!("tree_size: {value:?} is not a number")))
}

/// Whether a document is in the ledger, answered yes or no with its leaf (index, hash, kind,
/// who filed it and when), the signed head and the audit path against it (null until a head
/// covers the leaf). Send `{"sha256": ...}` as JSON, the file as `multipart/form-data` (part
/// `file`), or the file as the raw body (`application/octet-stream`); files are hashed and
/// not kept. 404 when `tree_size` names no signed head.
#[utoipa::path(post, path = "/ledger/verify", tag = "ledger", params(VerifyQuery),
    request_body(content(
        (LedgerVerifyRequest = "application/json"),
        (LedgerVerifyForm = "multipart/form-data"),
        (String = "application/octet-stream"),
    )),
    responses((status = 200, body = LedgerVerification)))]
pub async fn verify(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<VerifyQuery>,
    payload: web::Payload,
) -> Result<web::Json<LedgerVerification>, ApiError> {
    let limit = state.config.document_store().max_bytes;
    let mime = req.mime_type().ok().flatten();
    let (sha256, tree_size) = match mime.as_ref().map(|m| (m.type_(), m.subtype(), m.suffix())) {
        Some((_, mime::JSON, _)) | Some((_, _, Some(mime::JSON))) => {
            let body = read_limited(payload, state.config.server.body_limit_bytes).await?;
            let asked: LedgerVerifyRequest = crate::http::json::parse(&body)?;
            (asked.sha256, asked.tree_size.or(query.tree_size))
        }
        Some((mime::MULTIPART, mime::FORM_DATA, _)) => {
            let hashed = hash_multipart(&req, payload, limit).await?;
            if let Some((unknown, _)) = hashed.fields.iter().find(|(k, _)| k != "tree_size") {
                return Err(invalid_field(unknown, format!("{unknown}: unknown field")));
            }
            let size = hashed
                .fields
                .iter()
                .rev()
                .find(|(k, _)| k == "tree_size")
                .map(|(_, v)| tree_size_field(v))
                .transpose()?;
            let sha256 = hashed
                .sha256
                .ok_or_else(|| invalid_field("file", "file: missing"))?;
            (sha256, size.or(query.tree_size))
        }
        Some((mime::APPLICATION, mime::OCTET_STREAM, _)) => {
            (hash_body(payload, limit).await?, query.tree_size)
        }
        _ => {
            return Err(ApiError::new(
                Code::UnsupportedMediaType,
                "send application/json, multipart/form-data or application/octet-stream",
            ));
        }
    };
    let db = state.db.clone();
    let answer =
        blocking(move || Ok(ops_ledger::verify(&mut *db.conn()?, &sha256, tree_size)?)).await?;
    Ok(web::Json(answer))
}

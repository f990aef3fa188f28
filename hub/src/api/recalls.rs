//! Recall cases (`registry::recalls`): opening by the competent officer (or an enterprise's
//! request and its approval), the case with its progress, re-scoping, the parties'
//! acknowledgements and disposal reports, closure, the case as CSV and PDF; the public list of
//! open recalls and consumers' complaints.
//!
//! A change that opens or closes a case forgets the resolver's cached stories, so the stamps of
//! its lots say `recalled` (or no longer) at the next scan.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine as _;
use registry::error::Code;
use registry::filings::Paging;
use registry::recalls::{
    self, CaseFilter, Closure, Complaint, DisposalReport, NewCase, NewComplaint, Party, Progress,
    PublicRecall, RecallCase, Rescoped,
};
use serde::{Deserialize, Serialize};

use super::{ApiError, Json, blocking};
use crate::app::{AppState, Auth};
use crate::ops::{self, Caller, Request};

/// A case as opened (or approved), with what its scoping found and told.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Opened {
    pub case: RecallCase,
    pub scope: Rescoped,
}

/// The case's disposal lines on record after a report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Reported {
    pub case_id: i64,
    /// Lots this party has reported (its latest line per lot).
    pub lines: usize,
}

/// Cases, newest first: all of them for departments, administrators, inspectors and ministries;
/// an enterprise's own (as a party or as the one that asked).
#[utoipa::path(get, path = "/api/v1/recalls", tag = "recalls", params(CaseFilter),
    responses((status = 200, body = [RecallCase]), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    filter: web::Query<CaseFilter>,
) -> Result<web::Json<Vec<RecallCase>>, ApiError> {
    let filter = filter.into_inner();
    let list = blocking(move || ops::recalls::list(&state, &actor, &filter)).await?;
    Ok(web::Json(list))
}

/// Opens a case (an officer, for lots or items in the department's jurisdiction): the recall of
/// each is computed and frozen into the case, and every registered enterprise holding affected
/// goods is told at once (inbox and mail, in its language), as are the departments of the other
/// regions reached. The stamps of the affected lots resolve `recalled` from now on.
#[utoipa::path(post, path = "/api/v1/recalls", tag = "recalls", request_body = NewCase,
    responses((status = 201, body = Opened), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn open(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewCase>,
) -> Result<HttpResponse, ApiError> {
    let new = body.0;
    let (case, scope) = blocking(move || ops::recalls::open(&state, &caller, &new)).await?;
    Ok(HttpResponse::Created().json(Opened { case, scope }))
}

/// An enterprise asks for a recall of its own lots; the competent department is told and
/// approves it (`POST /api/v1/recalls/{id}/approve`).
#[utoipa::path(post, path = "/api/v1/recalls/requests", tag = "recalls", request_body = NewCase,
    responses((status = 201, body = RecallCase), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn request(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewCase>,
) -> Result<HttpResponse, ApiError> {
    let new = body.0;
    let case = blocking(move || ops::recalls::request(&state, &caller, &new)).await?;
    Ok(HttpResponse::Created().json(case))
}

/// A case with its lots, parties and progress: quantities affected, held, returned, destroyed,
/// sold and unaccounted per party, region and country, and scans of its recalled stamps. An
/// enterprise sees its own party only.
#[utoipa::path(get, path = "/api/v1/recalls/{id}", tag = "recalls", params(("id" = i64, Path)),
    responses((status = 200, body = Progress), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Progress>, ApiError> {
    let id = id.into_inner();
    let progress = blocking(move || ops::recalls::progress(&state, &actor, id)).await?;
    Ok(web::Json(progress))
}

fn attachment(id: i64, ext: &str, content_type: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"recall-case-{id}.{ext}\""),
        ))
        .body(body)
}

/// The case's progress as CSV: a row per party, then per region, country and the total.
#[utoipa::path(get, path = "/api/v1/recalls/{id}/report.csv", tag = "recalls", params(("id" = i64, Path)),
    responses((status = 200, description = "the case as CSV", content_type = "text/csv"),
        (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn csv(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let progress = blocking(move || ops::recalls::progress(&state, &actor, id)).await?;
    let body =
        reports::recall_case::write_csv(Vec::new(), &progress).map_err(ApiError::internal)?;
    Ok(attachment(id, "csv", "text/csv; charset=utf-8", body))
}

/// The case as a PDF report.
#[utoipa::path(get, path = "/api/v1/recalls/{id}/report.pdf", tag = "recalls", params(("id" = i64, Path)),
    responses((status = 200, description = "the case as a PDF report", content_type = "application/pdf"),
        (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn pdf(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let progress = blocking(move || ops::recalls::progress(&state, &actor, id)).await?;
    let body =
        reports::recall_case::write_pdf(Vec::new(), &progress).map_err(ApiError::internal)?;
    Ok(attachment(id, "pdf", "application/pdf", body))
}

/// Approves a case an enterprise asked for (an officer of its department): it opens, as
/// `POST /api/v1/recalls` does.
#[utoipa::path(post, path = "/api/v1/recalls/{id}/approve", tag = "recalls", params(("id" = i64, Path)),
    responses((status = 200, body = Opened), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn approve(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Opened>, ApiError> {
    let id = id.into_inner();
    let (case, scope) = blocking(move || ops::recalls::approve(&state, &caller, id)).await?;
    Ok(web::Json(Opened { case, scope }))
}

/// Computes the scope again from the events known now: late captures add lots, places and
/// parties under the next scope version (the new parties and regions are told); nothing known
/// is dropped.
#[utoipa::path(post, path = "/api/v1/recalls/{id}/rescope", tag = "recalls", params(("id" = i64, Path)),
    responses((status = 200, body = Rescoped), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn rescope(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Rescoped>, ApiError> {
    let id = id.into_inner();
    let scoped = blocking(move || ops::recalls::rescope(&state, &caller, id)).await?;
    Ok(web::Json(scoped))
}

/// A party acknowledges the case's notice (its own enterprise's users).
#[utoipa::path(post, path = "/api/v1/recalls/{id}/acknowledge", tag = "recalls", params(("id" = i64, Path)),
    responses((status = 200, body = Party), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn acknowledge(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Party>, ApiError> {
    let id = id.into_inner();
    let party = blocking(move || ops::recalls::acknowledge(&state, &caller, id)).await?;
    Ok(web::Json(party))
}

/// A party reports, per lot, what it held, returned, destroyed and had already sold, with its
/// documents (after acknowledging; a lot reported again replaces its line).
#[utoipa::path(post, path = "/api/v1/recalls/{id}/disposals", tag = "recalls", params(("id" = i64, Path)),
    request_body = DisposalReport,
    responses((status = 200, body = Reported), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn report(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<DisposalReport>,
) -> Result<web::Json<Reported>, ApiError> {
    let (id, report) = (id.into_inner(), body.0);
    let lines = blocking(move || ops::recalls::report(&state, &caller, id, &report)).await?;
    Ok(web::Json(Reported { case_id: id, lines }))
}

/// Closes a case (an officer of its department): only when the department accepts the
/// effectiveness check and every party has acknowledged and reported.
#[utoipa::path(post, path = "/api/v1/recalls/{id}/close", tag = "recalls", params(("id" = i64, Path)),
    request_body = Closure,
    responses((status = 200, body = RecallCase), (status = 403, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn close(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<Closure>,
) -> Result<web::Json<RecallCase>, ApiError> {
    let (id, closure) = (id.into_inner(), body.0);
    let case = blocking(move || ops::recalls::close(&state, &caller, id, &closure)).await?;
    Ok(web::Json(case))
}

/// Open recalls as published (no sign-in): products and lots, the reason, what to do and where
/// to return it, newest first.
#[utoipa::path(get, path = "/api/v1/public/recalls", tag = "recalls", params(Paging),
    responses((status = 200, body = [PublicRecall]), (status = 422, body = super::ErrorBody)))]
pub async fn public(
    state: web::Data<AppState>,
    paging: web::Query<Paging>,
) -> Result<web::Json<Vec<PublicRecall>>, ApiError> {
    let paging = paging.into_inner();
    let db = state.db.clone();
    let list = blocking(move || Ok(recalls::public_recalls(&mut *db.conn()?, paging)?)).await?;
    Ok(web::Json(list))
}

/// A consumer's complaint, with an optional photo.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintRequest {
    /// The stamp's link or the serial printed on it.
    #[serde(default)]
    #[schema(max_length = 300)]
    pub stamp: String,
    /// The product's GTIN, when there is no stamp.
    #[serde(default)]
    #[schema(max_length = 14)]
    pub gtin: String,
    /// The lot printed on the pack.
    #[serde(default)]
    #[schema(max_length = 20)]
    pub lot: String,
    /// What is wrong.
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub description: String,
    /// How to reach the consumer.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub contact: String,
    /// A photo (JPEG or PNG), base64, at most 5 MB once decoded.
    #[serde(default)]
    #[schema(max_length = 7_000_000, format = Byte)]
    pub photo: Option<String>,
}

/// Files a complaint: the photo staged first, then stored and the alert raised in one audited
/// transaction (`ops::recalls::complain`, which the portal's form calls too).
async fn file_complaint(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    request: Request,
    new: NewComplaint,
    photo: Option<Vec<u8>>,
) -> Result<Complaint, ApiError> {
    let client_hash = state.client_hash(&state.client_address(req));
    let st = state.clone();
    blocking(move || {
        let staged = match photo.filter(|p| !p.is_empty()) {
            Some(bytes) => {
                if bytes.len() as u64 > ops::recalls::MAX_PHOTO {
                    return Err(ApiError::new(Code::PayloadTooLarge, "photo: at most 5 MB")
                        .with_field("photo"));
                }
                let mut stager = st
                    .config
                    .document_store()
                    .stage()
                    .map_err(|e| ApiError::internal(e.to_string()))?;
                stager
                    .write(&bytes)
                    .map_err(|e| ApiError::internal(e.to_string()))?;
                Some(
                    stager
                        .finish()
                        .map_err(|e| ApiError::internal(e.to_string()))?,
                )
            }
            None => None,
        };
        ops::recalls::complain(&st, &request, &new, staged, &client_hash)
    })
    .await
}

/// Files a consumer's complaint about a product (by its stamp, or GTIN and lot; a description,
/// a contact, optionally a photo): raised as a `recall.complaint` alert to the departments
/// competent for the producer, critical when the lot is under an open recall.
#[utoipa::path(post, path = "/api/v1/public/complaints", tag = "recalls", request_body = ComplaintRequest,
    responses((status = 201, body = Complaint), (status = 413, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody)))]
pub async fn complain(
    req: HttpRequest,
    state: web::Data<AppState>,
    request: Request,
    body: Json<ComplaintRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let photo = match b.photo.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(text) => Some(
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|_| {
                    ApiError::new(Code::InvalidField, "photo: not base64").with_field("photo")
                })?,
        ),
        None => None,
    };
    let new = NewComplaint {
        stamp: b.stamp,
        gtin: b.gtin,
        lot: b.lot,
        description: b.description,
        contact: b.contact,
    };
    let complaint = file_complaint(&state, &req, request, new, photo).await?;
    Ok(HttpResponse::Created().json(complaint))
}

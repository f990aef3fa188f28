//! `POST /api/v1/enterprises/import`: a department's bulk import, the CSV as the body.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use registry::enterprises::ImportReport;
use registry::error::Code;
use serde::{Deserialize, Serialize};

use super::{ApiError, blocking};
use crate::app::AppState;
use crate::i18n::Lang;
use crate::ops::Caller;
use crate::ops::import::{ImportFailure, import_enterprises};

/// Import options.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportParams {
    /// Write the good lines and report the bad ones (default: nothing is written when any
    /// line is bad).
    #[serde(default)]
    pub skip_bad: bool,
}

/// A refused import: nothing was written. The error body of every 422 here; with `report`
/// when the refusal is `invalid_lines`, with `field` when it is the header (`invalid_header`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportRejected {
    /// `invalid_lines`, `invalid_header`, or another code of a refusal.
    pub error: &'static str,
    pub message: String,
    /// `invalid_lines`: every bad line (line, column, error code, message).
    #[schema(required = false)]
    pub report: ImportReport,
}

/// Imports enterprises from CSV (header row; columns in the README, "Bulk import") as active
/// enterprises of the caller's jurisdiction. One transaction: by default nothing is written
/// when any line is bad (422 with the report); with `skip_bad=true` the good lines are written
/// and the bad ones reported.
#[utoipa::path(post, path = "/api/v1/enterprises/import", tag = "registry", params(ImportParams),
    request_body(content = String, description = "the CSV file, UTF-8", content_type = "text/csv"),
    responses((status = 200, body = ImportReport), (status = 400, body = super::ErrorBody),
        (status = 403, body = super::ErrorBody), (status = 413, body = super::ErrorBody),
        (status = 415, body = super::ErrorBody), (status = 422, body = ImportRejected)),
    security(("bearer" = []), ("session" = [])))]
pub async fn import(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    params: web::Query<ImportParams>,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let is_csv = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|v| v == "text/csv" || v == "application/csv");
    if !is_csv {
        return Err(ApiError::new(
            Code::UnsupportedMediaType,
            "the body must be text/csv",
        ));
    }
    let limit = state.config.registry.import_max_bytes;
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::new(Code::UnreadableBody, e.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::new(
                Code::PayloadTooLarge,
                format!("the file exceeds registry.import_max_bytes ({limit} bytes)"),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    let skip_bad = params.skip_bad;
    let outcome = blocking(move || {
        Ok(import_enterprises(
            &state,
            &caller,
            body.as_slice(),
            skip_bad,
        ))
    })
    .await?;
    let lang = Lang::of_request(&req);
    let told = |mut report: ImportReport| {
        lang.localise_line_errors(&mut report.errors);
        report
    };
    match outcome {
        Ok(report) => Ok(HttpResponse::Ok().json(told(report))),
        Err(ImportFailure::Rejected(report)) => {
            Ok(HttpResponse::UnprocessableEntity().json(ImportRejected {
                error: Code::InvalidLines.as_str(),
                message: format!(
                    "{} of {} lines are bad; nothing was written",
                    report.errors.len(),
                    report.lines
                ),
                report: told(report),
            }))
        }
        Err(ImportFailure::Header(e)) => {
            Err(ApiError::new(Code::InvalidHeader, e.to_string()).with_field(e.column))
        }
        Err(ImportFailure::Registry(e)) => Err(e.into()),
    }
}

//! Regulator adapters' intake: the adapters, deliveries pushed by regulator systems, and the
//! deliveries with their signed receipts; the rare-earth department's designations and quotas, and
//! the agricultural banned-input list.

use actix_web::{HttpResponse, web};
use futures_util::StreamExt;
use registry::error::Code;
use registry::intake::Delivery;
use registry::intake::agri::{self, BannedInput, NewBannedInput};
use registry::intake::rare_earth::{self, Designation, NewDesignation, NewQuota, Quota};
use serde::{Deserialize, Serialize};

use super::{ApiError, Json, blocking};
use crate::app::{AppState, Auth};
use crate::i18n::Lang;
use crate::ops::intake::{self, Delivered, File, IntakeFailure, Source};
use crate::ops::{self, Caller};

/// An adapter.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AdapterInfo {
    /// Its name in URLs and on the command line.
    pub name: &'static str,
    /// The category whose regulator systems deliver through it.
    pub category: &'static str,
    /// Its input formats.
    pub formats: &'static str,
    pub summary: &'static str,
}

/// The regulator adapters.
#[utoipa::path(get, path = "/api/v1/intake/adapters", tag = "intake",
    responses((status = 200, body = [AdapterInfo])),
    security(("bearer" = []), ("session" = [])))]
pub async fn adapters() -> web::Json<Vec<AdapterInfo>> {
    web::Json(
        adapters::regulators::ADAPTERS
            .iter()
            .map(|a| AdapterInfo {
                name: a.name,
                category: a.category.as_str(),
                formats: a.formats,
                summary: a.summary,
            })
            .collect(),
    )
}

/// Delivery options.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliverParams {
    /// Write the good records and report the bad ones (default: nothing is written when any
    /// record is bad).
    #[serde(default)]
    pub skip_bad: bool,
    /// The file's name, as the sender knows it (kept in the receipt).
    #[serde(default)]
    pub file_name: Option<String>,
}

/// A refused delivery: nothing of the file was written. With the receipt when the refusal is
/// `invalid_lines`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryRejected {
    /// `invalid_lines`.
    pub error: &'static str,
    pub message: String,
    pub delivery: Delivered,
}

/// Delivers a file through an adapter (its format in the adapter's README), as a `system`
/// user bound to its category. Bad records' messages are in the caller's language. 201 with the
/// signed receipt; 200 with the first receipt when the same file was delivered already (nothing
/// changes); 422 `invalid_lines` with the receipt when records are bad (nothing written unless
/// `skip_bad=true`).
#[utoipa::path(post, path = "/api/v1/intake/{adapter}/deliveries", tag = "intake",
    params(("adapter" = String, Path), DeliverParams),
    request_body(content = String, description = "the file, UTF-8", content_type = "text/csv"),
    responses((status = 201, body = Delivered), (status = 200, body = Delivered),
        (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
        (status = 413, body = super::ErrorBody), (status = 422, body = DeliveryRejected)),
    security(("bearer" = [])))]
pub async fn deliver(
    state: web::Data<AppState>,
    caller: Caller,
    lang: Lang,
    adapter: web::Path<String>,
    params: web::Query<DeliverParams>,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let adapter =
        adapters::regulators::find(&adapter).ok_or_else(|| ApiError::not_found("adapter"))?;
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
    let params = params.into_inner();
    let name = params.file_name.unwrap_or_default();
    if name.chars().count() > 200 {
        return Err(ApiError::new(Code::TooLong, "at most 200 characters").with_field("file_name"));
    }
    let outcome = blocking(move || {
        let file = File {
            name: &name,
            source: Source::Bytes(&body),
            skip_bad: params.skip_bad,
        };
        Ok(intake::deliver(&state, &caller, adapter, file))
    })
    .await?;
    let told = |mut delivered: Delivered| {
        lang.localise_line_errors(&mut delivered.errors);
        delivered
    };
    match outcome {
        Ok(delivered) if delivered.replayed => Ok(HttpResponse::Ok().json(told(delivered))),
        Ok(delivered) => Ok(HttpResponse::Created().json(told(delivered))),
        Err(IntakeFailure::Rejected(delivered)) => {
            Ok(HttpResponse::UnprocessableEntity().json(DeliveryRejected {
                error: Code::InvalidLines.as_str(),
                message: format!(
                    "{} of {} records are bad; nothing was written",
                    delivered.delivery.counts.refused, delivered.delivery.counts.records
                ),
                delivery: told(*delivered),
            }))
        }
        Err(IntakeFailure::Header(e)) => {
            Err(ApiError::new(Code::InvalidHeader, e.to_string()).with_field(e.column))
        }
        Err(IntakeFailure::Api(e)) => Err(e),
    }
}

/// Which deliveries to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveryFilter {
    /// One adapter's.
    pub adapter: Option<String>,
}

/// Deliveries, newest first (at most 200): a system user's own, an officer's department's
/// categories', all for an administrator.
#[utoipa::path(get, path = "/api/v1/intake/deliveries", tag = "intake", params(DeliveryFilter),
    responses((status = 200, body = [Delivery])),
    security(("bearer" = []), ("session" = [])))]
pub async fn deliveries(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    filter: web::Query<DeliveryFilter>,
) -> Result<web::Json<Vec<Delivery>>, ApiError> {
    let adapter = filter.into_inner().adapter;
    let list = blocking(move || intake::deliveries(&state, &actor, adapter.as_deref())).await?;
    Ok(web::Json(list))
}

/// One delivery with its signed receipt and its bad records.
#[utoipa::path(get, path = "/api/v1/intake/deliveries/{id}", tag = "intake", params(("id" = i64, Path)),
    responses((status = 200, body = Delivered), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn delivery(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    lang: Lang,
    id: web::Path<i64>,
) -> Result<web::Json<Delivered>, ApiError> {
    let id = id.into_inner();
    let mut found = blocking(move || intake::delivery(&state, &actor, id)).await?;
    lang.localise_line_errors(&mut found.errors);
    Ok(web::Json(found))
}

/// Designates an enterprise (of the officer's jurisdiction, registered for rare earth) to mine
/// and/or smelt and separate; no stage withdraws the designation (204).
#[utoipa::path(post, path = "/api/v1/rare-earth/designations", tag = "intake", request_body = NewDesignation,
    responses((status = 200, body = Designation), (status = 204), (status = 403, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn designate(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewDesignation>,
) -> Result<HttpResponse, ApiError> {
    let new = body.0;
    let done = blocking(move || ops::regulation::designate(&state, &caller, &new)).await?;
    Ok(match done {
        Some(designation) => HttpResponse::Ok().json(designation),
        None => HttpResponse::NoContent().finish(),
    })
}

/// The enterprises designated to mine or smelt and separate rare earth.
#[utoipa::path(get, path = "/api/v1/rare-earth/designations", tag = "intake",
    responses((status = 200, body = [Designation])),
    security(("bearer" = []), ("session" = [])))]
pub async fn designations(
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<Designation>>, ApiError> {
    let db = state.db.clone();
    let list = blocking(move || Ok(rare_earth::designations(&mut *db.conn()?)?)).await?;
    Ok(web::Json(list))
}

/// Sets an enterprise's annual quota of rare-earth oxide (kilograms).
#[utoipa::path(post, path = "/api/v1/rare-earth/quotas", tag = "intake", request_body = NewQuota,
    responses((status = 200, body = Quota), (status = 403, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn set_quota(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewQuota>,
) -> Result<web::Json<Quota>, ApiError> {
    let new = body.0;
    let quota = blocking(move || ops::regulation::set_quota(&state, &caller, &new)).await?;
    Ok(web::Json(quota))
}

/// Which quotas.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QuotaFilter {
    /// One year's.
    pub year: Option<i32>,
}

/// The quotas set, by year and enterprise.
#[utoipa::path(get, path = "/api/v1/rare-earth/quotas", tag = "intake", params(QuotaFilter),
    responses((status = 200, body = [Quota])),
    security(("bearer" = []), ("session" = [])))]
pub async fn quotas(
    state: web::Data<AppState>,
    filter: web::Query<QuotaFilter>,
) -> Result<web::Json<Vec<Quota>>, ApiError> {
    let year = filter.into_inner().year;
    let db = state.db.clone();
    let list = blocking(move || Ok(rare_earth::quotas(&mut *db.conn()?, year)?)).await?;
    Ok(web::Json(list))
}

/// Puts an input (by its registration number) on the agricultural banned list: farms' records
/// of its use raise an alert (`agri.banned_input`).
#[utoipa::path(post, path = "/api/v1/agri/banned-inputs", tag = "intake", request_body = NewBannedInput,
    responses((status = 200, body = BannedInput), (status = 403, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn ban_input(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewBannedInput>,
) -> Result<web::Json<BannedInput>, ApiError> {
    let new = body.0;
    let banned = blocking(move || ops::regulation::ban_input(&state, &caller, &new)).await?;
    Ok(web::Json(banned))
}

/// The agricultural banned list.
#[utoipa::path(get, path = "/api/v1/agri/banned-inputs", tag = "intake",
    responses((status = 200, body = [BannedInput])),
    security(("bearer" = []), ("session" = [])))]
pub async fn banned_inputs(
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<BannedInput>>, ApiError> {
    let db = state.db.clone();
    let list = blocking(move || Ok(agri::banned_inputs(&mut *db.conn()?)?)).await?;
    Ok(web::Json(list))
}

//! What enterprises file: licences, sites, products and batches.

use actix_web::{HttpResponse, web};
use registry::filings::Paging;
use registry::filings::batches::{self, Batch, NewBatch};
use registry::filings::licences::{self, Licence, LicenceOutcome, NewLicence};
use registry::filings::products::{self, NewProduct, Product};
use registry::filings::sites::{self, NewSite, Site};

use super::{ApiError, Json, blocking};
use crate::app::{AppState, Auth};
use crate::ops::{self, Caller};

/// The licences of an enterprise, with expiry flagged.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/licences", tag = "registry", params(("id" = i64, Path)),
    responses((status = 200, body = [Licence]), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list_licences(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Vec<Licence>>, ApiError> {
    let id = id.into_inner();
    let db = state.db.clone();
    let today = state.now().date();
    let list = blocking(move || {
        Ok(licences::list_licences(
            &mut *db.conn()?,
            &actor,
            id,
            today,
        )?)
    })
    .await?;
    Ok(web::Json(list))
}

/// Files a licence: added at once before approval, proposed for review after.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/licences", tag = "registry", params(("id" = i64, Path)),
    request_body = NewLicence,
    responses((status = 201, body = LicenceOutcome), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn file_licence(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<NewLicence>,
) -> Result<HttpResponse, ApiError> {
    let (id, new) = (id.into_inner(), body.0);
    let outcome = blocking(move || ops::filings::file_licence(&state, &caller, id, &new)).await?;
    Ok(HttpResponse::Created().json(outcome))
}

/// The sites of an enterprise.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/sites", tag = "filings", params(("id" = i64, Path)),
    responses((status = 200, body = [Site]), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list_sites(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
) -> Result<web::Json<Vec<Site>>, ApiError> {
    let id = id.into_inner();
    let db = state.db.clone();
    let list = blocking(move || Ok(sites::list_sites(&mut *db.conn()?, &actor, id)?)).await?;
    Ok(web::Json(list))
}

/// Adds a site (with a GLN) to the caller's own enterprise.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/sites", tag = "filings", params(("id" = i64, Path)),
    request_body = NewSite,
    responses((status = 201, body = Site), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn add_site(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<NewSite>,
) -> Result<HttpResponse, ApiError> {
    let (id, new) = (id.into_inner(), body.0);
    let site = blocking(move || ops::filings::add_site(&state, &caller, id, &new)).await?;
    Ok(HttpResponse::Created().json(site))
}

/// The products of an enterprise, by id.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/products", tag = "filings", params(("id" = i64, Path), Paging),
    responses((status = 200, body = [Product]), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list_products(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
    paging: web::Query<Paging>,
) -> Result<web::Json<Vec<Product>>, ApiError> {
    let id = id.into_inner();
    let paging = paging.into_inner();
    let db = state.db.clone();
    let list = blocking(move || {
        Ok(products::list_products(
            &mut *db.conn()?,
            &actor,
            id,
            paging,
        )?)
    })
    .await?;
    Ok(web::Json(list))
}

/// Files a product (active enterprises only, for themselves).
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/products", tag = "filings", params(("id" = i64, Path)),
    request_body = NewProduct,
    responses((status = 201, body = Product), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_product(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<NewProduct>,
) -> Result<HttpResponse, ApiError> {
    let (id, new) = (id.into_inner(), body.0);
    let product = blocking(move || ops::filings::create_product(&state, &caller, id, &new)).await?;
    Ok(HttpResponse::Created().json(product))
}

/// The batches of an enterprise, by id.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/batches", tag = "filings", params(("id" = i64, Path), Paging),
    responses((status = 200, body = [Batch]), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list_batches(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
    paging: web::Query<Paging>,
) -> Result<web::Json<Vec<Batch>>, ApiError> {
    let id = id.into_inner();
    let paging = paging.into_inner();
    let db = state.db.clone();
    let list =
        blocking(move || Ok(batches::list_batches(&mut *db.conn()?, &actor, id, paging)?)).await?;
    Ok(web::Json(list))
}

/// Files a batch (lot) of one of the enterprise's products, with its input lots.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/batches", tag = "filings", params(("id" = i64, Path)),
    request_body = NewBatch,
    responses((status = 201, body = Batch), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_batch(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<NewBatch>,
) -> Result<HttpResponse, ApiError> {
    let (id, new) = (id.into_inner(), body.0);
    let batch = blocking(move || ops::filings::create_batch(&state, &caller, id, &new)).await?;
    Ok(HttpResponse::Created().json(batch))
}

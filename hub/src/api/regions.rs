//! The region hierarchy of the deployment's country, for pickers.

use actix_web::web;
use registry::regions::{self, RegionEntry};
use serde::Deserialize;

use super::{ApiError, blocking};
use crate::app::AppState;

/// Which level to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionQuery {
    /// The region whose subdivisions to list; absent: the provinces.
    pub parent: Option<String>,
}

/// The regions directly under `parent` (the provinces without it). Public: the self-registration
/// form needs it before anyone signs in, and the hierarchy is published data.
#[utoipa::path(get, path = "/api/v1/regions", tag = "registry", params(RegionQuery),
    responses((status = 200, body = [RegionEntry]), (status = 422, body = super::ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    query: web::Query<RegionQuery>,
) -> Result<web::Json<Vec<RegionEntry>>, ApiError> {
    let parent = query.into_inner().parent;
    let db = state.db.clone();
    let list =
        blocking(move || Ok(regions::list_regions(&mut *db.conn()?, parent.as_deref())?)).await?;
    Ok(web::Json(list))
}

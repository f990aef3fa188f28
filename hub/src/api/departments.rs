//! Departments: the regulators, their region and categories.

use actix_web::{HttpResponse, web};
use registry::departments::{self, Department, NewDepartment};

use super::{ApiError, Json, blocking};
use crate::app::AppState;
use crate::ops::{self, Caller};

/// Lists the departments.
#[utoipa::path(get, path = "/api/v1/departments", tag = "registry",
    responses((status = 200, body = [Department])), security(("bearer" = []), ("session" = [])))]
pub async fn list(state: web::Data<AppState>) -> Result<web::Json<Vec<Department>>, ApiError> {
    let db = state.db.clone();
    Ok(web::Json(
        blocking(move || Ok(departments::list_departments(&mut *db.conn()?)?)).await?,
    ))
}

/// Creates a department over a region and the categories it regulates.
#[utoipa::path(post, path = "/api/v1/departments", tag = "registry", request_body = NewDepartment,
    responses((status = 201, body = Department), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewDepartment>,
) -> Result<HttpResponse, ApiError> {
    let new = body.0;
    let dept = blocking(move || ops::departments::create(&state, &caller.origin(), &new)).await?;
    Ok(HttpResponse::Created().json(dept))
}

//! Departments: the regulators, their region and categories.

use actix_web::{HttpResponse, web};
use registry::departments::{self, Department, NewDepartment};
use registry::identity::Actor;
use serde_json::json;
use tracing_actix_web::RequestId;

use super::{ApiError, Json, audit, blocking};
use crate::app::AppState;
use crate::app::Auth;

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
    Auth(actor): Auth,
    request_id: RequestId,
    body: Json<NewDepartment>,
) -> Result<HttpResponse, ApiError> {
    let dept = create_audited(state, actor, request_id, body.0).await?;
    Ok(HttpResponse::Created().json(dept))
}

/// The audited creation behind `POST /api/v1/departments`, shared with the portal.
pub async fn create_audited(
    state: web::Data<AppState>,
    actor: Actor,
    request_id: RequestId,
    new: NewDepartment,
) -> Result<Department, ApiError> {
    blocking(move || {
        state.db.transaction(|conn| {
            let dept = departments::create_department(conn, state.now(), &new)?;
            let detail = json!({ "code": dept.code, "region_code": dept.region_code, "categories": dept.categories });
            audit(conn, &state, &actor, &request_id, "department.create", &format!("department:{}", dept.id), detail)?;
            Ok(dept)
        })
    })
    .await
}

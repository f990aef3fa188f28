//! User accounts (administrators only, but for reading oneself).

use actix_web::{HttpResponse, web};
use registry::identity::{self, NewUser, Role, User, UserFilter};

use super::{ApiError, Json, blocking};
use crate::app::{AppState, Auth};
use crate::ops::{self, Caller};

/// Lists users, filtered by role, department or enterprise.
#[utoipa::path(get, path = "/api/v1/users", tag = "identity", params(UserFilter),
    responses((status = 200, body = [User])), security(("bearer" = []), ("session" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    filter: web::Query<UserFilter>,
) -> Result<web::Json<Vec<User>>, ApiError> {
    let db = state.db.clone();
    let users = blocking(move || Ok(identity::list_users(&mut *db.conn()?, &filter)?)).await?;
    Ok(web::Json(users))
}

/// Creates a user. Officers need a department, enterprise users an enterprise.
#[utoipa::path(post, path = "/api/v1/users", tag = "identity", request_body = NewUser,
    responses((status = 201, body = User), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewUser>,
) -> Result<HttpResponse, ApiError> {
    let new = body.0;
    let user = blocking(move || ops::users::create(&state, &caller.origin(), &new)).await?;
    Ok(HttpResponse::Created().json(user))
}

/// One user. Anyone may read their own account; administrators any.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "identity", params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 404, body = super::ErrorBody)), security(("bearer" = []), ("session" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    id: web::Path<i64>,
) -> Result<web::Json<User>, ApiError> {
    let id = id.into_inner();
    if actor.role != Role::Admin && actor.user_id != id {
        return Err(ApiError::not_found("user"));
    }
    let db = state.db.clone();
    Ok(web::Json(
        blocking(move || Ok(identity::find_user(&mut *db.conn()?, id)?)).await?,
    ))
}

/// Deactivates a user: their sessions end and their tokens stop working.
#[utoipa::path(post, path = "/api/v1/users/{id}/deactivate", tag = "identity", params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 404, body = super::ErrorBody)), security(("bearer" = []), ("session" = [])))]
pub async fn deactivate(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<User>, ApiError> {
    set_active(state, caller, id.into_inner(), false).await
}

/// Reactivates a user.
#[utoipa::path(post, path = "/api/v1/users/{id}/activate", tag = "identity", params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 404, body = super::ErrorBody)), security(("bearer" = []), ("session" = [])))]
pub async fn activate(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<User>, ApiError> {
    set_active(state, caller, id.into_inner(), true).await
}

async fn set_active(
    state: web::Data<AppState>,
    caller: Caller,
    id: i64,
    active: bool,
) -> Result<web::Json<User>, ApiError> {
    let user = blocking(move || ops::users::set_active(&state, &caller, id, active)).await?;
    Ok(web::Json(user))
}

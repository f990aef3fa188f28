//! User accounts (administrators only, but for reading oneself).

use actix_web::{HttpResponse, web};
use registry::error::Code;
use registry::identity::{self, Actor, NewUser, Role, User, UserFilter};
use serde_json::json;
use tracing_actix_web::RequestId;

use super::{ApiError, Json, audit, blocking};
use crate::app::AppState;
use crate::app::Auth;

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
    Auth(actor): Auth,
    request_id: RequestId,
    body: Json<NewUser>,
) -> Result<HttpResponse, ApiError> {
    let user = create_audited(state, actor, request_id, body.0).await?;
    Ok(HttpResponse::Created().json(user))
}

/// The audited creation behind `POST /api/v1/users`, shared with the portal.
pub async fn create_audited(
    state: web::Data<AppState>,
    actor: Actor,
    request_id: RequestId,
    new: NewUser,
) -> Result<User, ApiError> {
    blocking(move || {
        state.db.transaction(|conn| {
            let user = identity::create_user(conn, state.now(), &new)?;
            let detail = json!({ "username": user.username, "role": user.role, "department_id": user.department_id, "enterprise_id": user.enterprise_id, "category": user.category });
            audit(conn, &state, &actor, &request_id, "user.create", &format!("user:{}", user.id), detail)?;
            Ok(user)
        })
    })
    .await
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

/// The audited (de)activation behind `POST /api/v1/users/{id}/{deactivate,activate}`, shared
/// with the portal. Administrators cannot deactivate themselves.
pub async fn set_active_audited(
    state: web::Data<AppState>,
    actor: Actor,
    request_id: RequestId,
    id: i64,
    active: bool,
) -> Result<User, ApiError> {
    if actor.user_id == id && !active {
        return Err(ApiError::new(
            Code::CannotDeactivateSelf,
            "administrators cannot deactivate themselves",
        ));
    }
    blocking(move || {
        state.db.transaction(|conn| {
            let user = identity::set_user_active(conn, state.now(), id, active)?;
            let action = if active {
                "user.activate"
            } else {
                "user.deactivate"
            };
            audit(
                conn,
                &state,
                &actor,
                &request_id,
                action,
                &format!("user:{id}"),
                json!({ "active": active }),
            )?;
            Ok(user)
        })
    })
    .await
}

/// Deactivates a user: their sessions end and their tokens stop working.
#[utoipa::path(post, path = "/api/v1/users/{id}/deactivate", tag = "identity", params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 404, body = super::ErrorBody)), security(("bearer" = []), ("session" = [])))]
pub async fn deactivate(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    request_id: RequestId,
    id: web::Path<i64>,
) -> Result<web::Json<User>, ApiError> {
    set_active_audited(state, actor, request_id, id.into_inner(), false)
        .await
        .map(web::Json)
}

/// Reactivates a user.
#[utoipa::path(post, path = "/api/v1/users/{id}/activate", tag = "identity", params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 404, body = super::ErrorBody)), security(("bearer" = []), ("session" = [])))]
pub async fn activate(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    request_id: RequestId,
    id: web::Path<i64>,
) -> Result<web::Json<User>, ApiError> {
    set_active_audited(state, actor, request_id, id.into_inner(), true)
        .await
        .map(web::Json)
}

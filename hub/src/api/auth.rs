//! Signing in and out of the API with a session cookie, and who am I.

use actix_web::{HttpRequest, HttpResponse, web};
use registry::identity::{Actor, User};
use serde::{Deserialize, Serialize};

use super::{ApiError, Json};
use crate::app::{AppState, Auth};
use crate::http::session::{end_session, sign_in};
use crate::ops::{Caller, Request};

/// Credentials for signing in.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub username: String,
    pub password: String,
}

/// A new session: the user, and the CSRF token that writes with this session must carry in the
/// `X-CSRF-Token` header.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginAnswer {
    pub user: User,
    pub csrf_token: String,
}

/// Signs in with a username and password; sets the session cookie.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "identity", request_body = Login, responses(
    (status = 200, body = LoginAnswer),
    (status = 401, body = super::ErrorBody, description = "wrong username or password"),
    (status = 429, body = super::ErrorBody, description = "too many failed attempts"),
))]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    request: Request,
    body: Json<Login>,
) -> Result<HttpResponse, ApiError> {
    let Login { username, password } = body.0;
    let signed = sign_in(&state, &req, request, username, password).await?;
    Ok(HttpResponse::Ok().cookie(signed.cookie).json(LoginAnswer {
        user: signed.user,
        csrf_token: signed.csrf_token,
    }))
}

/// Signs out: the session ends on the server and its cookie is cleared.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "identity", responses((status = 204)))]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let gone = end_session(&state, &req, caller).await?;
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}

/// The caller: user, role, bindings, how they authenticated and the scopes they hold.
#[utoipa::path(get, path = "/api/v1/me", tag = "identity", responses((status = 200, body = Actor)),
    security(("bearer" = []), ("session" = [])))]
pub async fn me(Auth(actor): Auth) -> web::Json<Actor> {
    web::Json(actor)
}

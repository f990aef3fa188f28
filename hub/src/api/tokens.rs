//! API tokens: each user manages their own; administrators also those of machine accounts.

use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use registry::error::Code;
use registry::identity::{self, ApiToken, NewToken, Role, Scope};
use serde::{Deserialize, Serialize};

use super::{ApiError, Json, blocking};
use crate::app::{AppState, Auth};
use crate::ops::tokens::Owner;
use crate::ops::{self, Caller};

/// Which tokens to list.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct TokenQuery {
    /// Administrators only: another user's tokens.
    pub user_id: Option<i64>,
}

/// A token request: a name, scopes and an optional expiry; administrators may name another user.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    /// What the token is for, e.g. "agri adapter, production".
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    #[schema(min_items = 1)]
    pub scopes: Vec<Scope>,
    /// When it stops working (RFC 3339, any offset); none for no expiry.
    #[serde(default, with = "registry::time::as_rfc3339::option")]
    pub expires_at: Option<NaiveDateTime>,
    /// Administrators only: create the token for this user (a machine account).
    #[serde(default)]
    pub user_id: Option<i64>,
}

/// A created token: the secret is in this answer and nowhere else, ever.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    pub token: ApiToken,
    pub secret: String,
}

fn subject(actor: &identity::Actor, asked: Option<i64>) -> Result<i64, ApiError> {
    match asked {
        Some(other) if other != actor.user_id && actor.role != Role::Admin => Err(ApiError::new(
            Code::Forbidden,
            "only administrators manage other users' tokens",
        )),
        Some(other) => Ok(other),
        None => Ok(actor.user_id),
    }
}

/// The caller's tokens (or, for administrators, another user's).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "identity", params(TokenQuery),
    responses((status = 200, body = [ApiToken])), security(("bearer" = []), ("session" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    Auth(actor): Auth,
    query: web::Query<TokenQuery>,
) -> Result<web::Json<Vec<ApiToken>>, ApiError> {
    let user_id = subject(&actor, query.user_id)?;
    let db = state.db.clone();
    Ok(web::Json(
        blocking(move || Ok(identity::list_tokens(&mut *db.conn()?, Some(user_id))?)).await?,
    ))
}

/// Creates a token. The secret is shown once, in this answer.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "identity", request_body = CreateToken,
    responses((status = 201, body = CreatedToken), (status = 422, body = super::ErrorBody)), security(("bearer" = []), ("session" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateToken>,
) -> Result<HttpResponse, ApiError> {
    let CreateToken {
        name,
        scopes,
        expires_at,
        user_id,
    } = body.0;
    let user_id = subject(&caller.actor, user_id)?;
    let new = NewToken {
        name,
        scopes,
        expires_at,
    };
    let (token, secret) =
        blocking(move || ops::tokens::create(&state, &caller.origin(), Owner::Id(user_id), &new))
            .await?;
    Ok(HttpResponse::Created().json(CreatedToken { token, secret }))
}

/// Revokes a token: the caller's own, or any for administrators.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "identity", params(("id" = i64, Path)),
    responses((status = 200, body = ApiToken), (status = 404, body = super::ErrorBody)), security(("bearer" = []), ("session" = [])))]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<ApiToken>, ApiError> {
    let id = id.into_inner();
    let owner = (caller.actor.role != Role::Admin).then_some(caller.actor.user_id);
    let token = blocking(move || ops::tokens::revoke(&state, &caller.origin(), id, owner)).await?;
    Ok(web::Json(token))
}

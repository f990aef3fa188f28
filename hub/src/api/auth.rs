//! Signing in and out of the API with a session cookie, and who am I.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::{HttpRequest, HttpResponse, web};
use registry::error::Code;
use registry::identity::{self, Actor, LoginPolicy, User};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tracing_actix_web::RequestId;

use super::{ApiError, Json, audit, blocking};
use crate::app::AppState;
use crate::app::{Auth, SESSION_COOKIE};

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

/// The outcome of a password sign-in, shared by the API and the portal.
pub struct SignedIn {
    pub user: User,
    pub cookie: Cookie<'static>,
    pub csrf_token: String,
}

/// Checks the rate limit and the password, opens a session, records it. Shared by the API and
/// the portal's login form.
pub async fn sign_in(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    request_id: &RequestId,
    username: String,
    password: String,
) -> Result<SignedIn, ApiError> {
    let client = state.client_hash(&state.client_address(req));
    let policy = LoginPolicy {
        max_failures: state.config.security.login_max_failures,
        window: chrono::Duration::minutes(state.config.security.login_window_minutes),
    };
    let ttl = chrono::Duration::minutes(state.config.security.session_ttl_minutes);
    let st = state.clone();
    let request_id = *request_id;
    let (user, session) = blocking(move || {
        let mut conn = st.db.conn()?;
        identity::check_login_allowed(&mut conn, st.now(), &policy, &username, &client)?;
        match identity::authenticate(&mut conn, &username, &password) {
            Err(e) => {
                identity::record_login_attempt(&mut conn, st.now(), &username, &client, false)?;
                Err(ApiError::new(Code::InvalidCredentials, e.to_string()))
            }
            Ok(user) => st.db.transaction(|conn| {
                identity::record_login_attempt(conn, st.now(), &username, &client, true)?;
                let session = identity::create_session(conn, st.now(), &user, ttl)?;
                let actor = Actor::for_user(&user, identity::AuthMethod::Session);
                audit(
                    conn,
                    &st,
                    &actor,
                    &request_id,
                    "session.create",
                    &format!("user:{}", user.id),
                    json!({}),
                )?;
                Ok::<_, ApiError>((user, session))
            }),
        }
    })
    .await?;
    let cookie = Cookie::build(SESSION_COOKIE, session.cookie_value.clone())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.secure_cookies())
        .max_age(CookieDuration::minutes(
            state.config.security.session_ttl_minutes,
        ))
        .finish();
    Ok(SignedIn {
        csrf_token: state.csrf_for_session(&session.cookie_value),
        user,
        cookie,
    })
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
    request_id: RequestId,
    body: Json<Login>,
) -> Result<HttpResponse, ApiError> {
    let Login { username, password } = body.0;
    let signed = sign_in(&state, &req, &request_id, username, password).await?;
    Ok(HttpResponse::Ok().cookie(signed.cookie).json(LoginAnswer {
        user: signed.user,
        csrf_token: signed.csrf_token,
    }))
}

/// Ends the current session and clears its cookie.
pub async fn end_session(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    actor: &Actor,
    request_id: &RequestId,
) -> Result<Cookie<'static>, ApiError> {
    if let Some(cookie) = req.cookie(SESSION_COOKIE) {
        let value = cookie.value().to_owned();
        let (st, actor, request_id) = (state.clone(), actor.clone(), *request_id);
        blocking(move || {
            st.db.transaction(|conn| {
                identity::delete_session(conn, &value)?;
                audit(
                    conn,
                    &st,
                    &actor,
                    &request_id,
                    "session.delete",
                    &format!("user:{}", actor.user_id),
                    json!({}),
                )
            })
        })
        .await?;
    }
    let mut gone = Cookie::build(SESSION_COOKIE, "")
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .finish();
    gone.make_removal();
    Ok(gone)
}

/// Signs out: the session ends on the server and its cookie is cleared.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "identity", responses((status = 204)))]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    request_id: RequestId,
    Auth(actor): Auth,
) -> Result<HttpResponse, ApiError> {
    let gone = end_session(&state, &req, &actor, &request_id).await?;
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}

/// The caller: user, role, bindings, how they authenticated and the scopes they hold.
#[utoipa::path(get, path = "/api/v1/me", tag = "identity", responses((status = 200, body = Actor)),
    security(("bearer" = []), ("session" = [])))]
pub async fn me(Auth(actor): Auth) -> web::Json<Actor> {
    web::Json(actor)
}

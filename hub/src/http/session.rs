//! Session cookies around the sign-in and sign-out operations, shared by the API and the
//! portal's login form.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::{HttpRequest, web};
use registry::identity::User;

use crate::app::{AppState, SESSION_COOKIE};
use crate::error::{ApiError, blocking};
use crate::ops::{self, Caller, Request};

/// The outcome of a password sign-in.
pub struct SignedIn {
    pub user: User,
    pub cookie: Cookie<'static>,
    /// The CSRF token that writes with this session carry.
    pub csrf_token: String,
}

/// Signs in from `req`'s client address and sets up the session cookie.
pub async fn sign_in(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    request: Request,
    username: String,
    password: String,
) -> Result<SignedIn, ApiError> {
    let client = state.client_hash(&state.client_address(req));
    let st = state.clone();
    let (user, session) =
        blocking(move || ops::sessions::sign_in(&st, &request, &username, &password, &client))
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

/// Ends the session `req` carries (if any) and gives the cookie that clears it.
pub async fn end_session(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    caller: Caller,
) -> Result<Cookie<'static>, ApiError> {
    if let Some(cookie) = req.cookie(SESSION_COOKIE) {
        let value = cookie.value().to_owned();
        let st = state.clone();
        blocking(move || ops::sessions::end(&st, &caller, &value)).await?;
    }
    let mut gone = Cookie::build(SESSION_COOKIE, "")
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .finish();
    gone.make_removal();
    Ok(gone)
}

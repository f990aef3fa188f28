//! Signing in and out of the portal, and the language switch.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse, ResponseError, http::header, web};
use maud::{Markup, html};
use registry::error::Code;
use serde::Deserialize;

use super::frame::Ctx;
use crate::app::AppState;
use crate::error::ApiError;
use crate::http::csrf::CSRF_FIELD;
use crate::http::session::{end_session, sign_in};
use crate::i18n::{LANG_COOKIE, Lang};
use crate::ops::Caller;

/// Query of the login page.
#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Only local portal paths (and the public blacklist and verification) are followed after a form or a language
/// switch (no open redirect).
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if (path.starts_with("/portal")
                || path == "/blacklist"
                || path.starts_with("/blacklist?")
                || path == "/verify"
                || path.starts_with("/verify?"))
                && !path.contains("//")
                && !path.contains('\\') =>
        {
            path
        }
        _ => "/portal",
    }
}

fn login_body(ctx: &Ctx, next: &str, error: Option<&str>) -> Markup {
    html! {
        h1 { (ctx.t("sign-in")) }
        @if let Some(error) = error { p.error role="alert" { (error) } }
        form.card method="post" action="/portal/login" {
            input type="hidden" name=(CSRF_FIELD) value=(ctx.csrf());
            input type="hidden" name="next" value=(next);
            div.field {
                label for="username" { (ctx.t("username")) }
                input id="username" name="username" autocomplete="username" required;
            }
            div.field {
                label for="password" { (ctx.t("password")) }
                input id="password" name="password" type="password" autocomplete="current-password" required;
            }
            button type="submit" { (ctx.t("sign-in")) }
        }
        p { (ctx.t("no-account")) " " a href="/portal/register" { (ctx.t("nav-register")) } }
        p { a href="/blacklist" { (ctx.t("nav-public-blacklist")) } }
        p { a href="/verify" { (ctx.t("nav-verify")) } }
    }
}

/// The sign-in form (with a pre-session CSRF cookie when there is none yet).
pub async fn form(ctx: Ctx, query: web::Query<Next>) -> HttpResponse {
    let next = safe_next(query.next.as_deref());
    if ctx.actor.is_some() {
        return HttpResponse::SeeOther()
            .insert_header((header::LOCATION, next.to_owned()))
            .finish();
    }
    ctx.render(&ctx.t("sign-in"), login_body(&ctx, next, None))
}

/// The form's fields.
#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

/// Checks the password (the form's CSRF token was checked by the route's middleware).
pub async fn submit(
    ctx: Ctx,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, ApiError> {
    let LoginForm {
        username,
        password,
        next,
    } = form.into_inner();
    let next = safe_next(next.as_deref()).to_owned();
    match sign_in(&ctx.state, &req, ctx.request(), username, password).await {
        Ok(signed) => Ok(HttpResponse::SeeOther()
            .cookie(signed.cookie)
            .insert_header((header::LOCATION, next))
            .finish()),
        Err(error)
            if matches!(
                error.code(),
                Code::InvalidCredentials | Code::TooManyAttempts
            ) =>
        {
            let message = ctx.t(if error.code() == Code::TooManyAttempts {
                "too-many-attempts"
            } else {
                "wrong-credentials"
            });
            Ok(ctx.render_status(
                error.status(),
                &ctx.t("sign-in"),
                login_body(&ctx, &next, Some(&message)),
            ))
        }
        Err(error) => Err(error),
    }
}

/// Signs out and returns to the sign-in page.
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let gone = end_session(&state, &req, caller).await?;
    Ok(HttpResponse::SeeOther()
        .cookie(gone)
        .insert_header((header::LOCATION, "/portal/login"))
        .finish())
}

/// Where to go after switching language.
#[derive(Deserialize)]
pub struct Back {
    next: Option<String>,
}

/// Remembers a language choice in a cookie (a year) and returns to the page.
pub async fn switch_language(
    tag: web::Path<String>,
    query: web::Query<Back>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let Some(lang) = Lang::from_tag(&tag) else {
        return ApiError::not_found("language").error_response();
    };
    let cookie = Cookie::build(LANG_COOKIE, lang.tag())
        .path("/")
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies())
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish();
    HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header((
            header::LOCATION,
            safe_next(query.next.as_deref()).to_owned(),
        ))
        .finish()
}

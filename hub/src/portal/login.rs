//! Signing in and out of the portal, and the home page.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse, ResponseError, http::header, web};
use maud::html;
use registry::secret::random_token;
use serde::Deserialize;
use tracing_actix_web::RequestId;

use super::layout::page;
use crate::api::ApiError;
use crate::api::auth::{end_session, sign_in};
use crate::i18n::{LANG_COOKIE, Lang};
use crate::server::AppState;
use crate::server::auth::{Auth, MaybeAuth, SESSION_COOKIE};
use crate::server::csrf::{CSRF_COOKIE, CSRF_FIELD};

/// Query of the login page.
#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Only local portal paths are followed after sign-in (no open redirect).
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with("/portal") && !path.contains("//") && !path.contains('\\') =>
        {
            path
        }
        _ => "/portal",
    }
}

fn login_page(lang: Lang, csrf: &str, next: &str, error: Option<&str>) -> maud::Markup {
    page(
        lang,
        &lang.t("sign-in"),
        None,
        None,
        html! {
            h1 { (lang.t("sign-in")) }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            form method="post" action="/portal/login" {
                input type="hidden" name=(CSRF_FIELD) value=(csrf);
                input type="hidden" name="next" value=(next);
                label for="username" { (lang.t("username")) }
                input id="username" name="username" autocomplete="username" required;
                label for="password" { (lang.t("password")) }
                input id="password" name="password" type="password" autocomplete="current-password" required;
                div { button type="submit" { (lang.t("sign-in")) } }
            }
        },
    )
}

fn pre_session_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(CSRF_COOKIE, value)
        .path("/portal")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .finish()
}

fn html_page(builder: &mut actix_web::HttpResponseBuilder, markup: maud::Markup) -> HttpResponse {
    builder
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

/// The sign-in form, with a fresh pre-session CSRF cookie.
pub async fn form(
    state: web::Data<AppState>,
    lang: Lang,
    MaybeAuth(actor): MaybeAuth,
    query: web::Query<Next>,
) -> HttpResponse {
    let next = safe_next(query.next.as_deref());
    if actor.is_some() {
        return HttpResponse::SeeOther()
            .insert_header((header::LOCATION, next.to_owned()))
            .finish();
    }
    let csrf = random_token("");
    let mut ok = HttpResponse::Ok();
    ok.cookie(pre_session_cookie(
        csrf.clone(),
        state.config.secure_cookies(),
    ));
    html_page(&mut ok, login_page(lang, &csrf, next, None))
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
    state: web::Data<AppState>,
    lang: Lang,
    req: HttpRequest,
    request_id: RequestId,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, ApiError> {
    let LoginForm {
        username,
        password,
        next,
    } = form.into_inner();
    let next = safe_next(next.as_deref()).to_owned();
    match sign_in(&state, &req, &request_id, username, password).await {
        Ok(signed) => Ok(HttpResponse::SeeOther()
            .cookie(signed.cookie)
            .insert_header((header::LOCATION, next))
            .finish()),
        Err(error) if matches!(error.code(), "invalid_credentials" | "too_many_attempts") => {
            let message = lang.t(if error.code() == "too_many_attempts" {
                "too-many-attempts"
            } else {
                "wrong-credentials"
            });
            let csrf = random_token("");
            let mut refused = HttpResponse::build(error.kind().status());
            refused.cookie(pre_session_cookie(
                csrf.clone(),
                state.config.secure_cookies(),
            ));
            Ok(html_page(
                &mut refused,
                login_page(lang, &csrf, &next, Some(&message)),
            ))
        }
        Err(error) => Err(error),
    }
}

/// Signs out and returns to the sign-in page.
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    request_id: RequestId,
    Auth(actor): Auth,
) -> Result<HttpResponse, ApiError> {
    let gone = end_session(&state, &req, &actor, &request_id).await?;
    Ok(HttpResponse::SeeOther()
        .cookie(gone)
        .insert_header((header::LOCATION, "/portal/login"))
        .finish())
}

/// The signed-in user's home page.
pub async fn home(
    state: web::Data<AppState>,
    lang: Lang,
    req: HttpRequest,
    Auth(actor): Auth,
) -> HttpResponse {
    let csrf = req
        .cookie(SESSION_COOKIE)
        .map(|c| state.csrf_for_session(c.value()));
    let body = html! {
        h1 { (lang.t_args("welcome", &[("name", &actor.username)])) }
        table {
            tr { th { (lang.t("role")) } td { (actor.role) } }
            @if let Some(dept) = actor.department_id { tr { th { (lang.t("department")) } td { (dept) } } }
            @if let Some(ent) = actor.enterprise_id { tr { th { (lang.t("enterprise")) } td { (ent) } } }
        }
        p { (lang.t("api-docs")) ": " a href="/docs/" { "/docs" } }
    };
    html_page(
        &mut HttpResponse::Ok(),
        page(
            lang,
            &lang.t("app-title"),
            Some(&actor),
            csrf.as_deref(),
            body,
        ),
    )
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
        return crate::api::ApiError::not_found("language").error_response();
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

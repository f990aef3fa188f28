//! What a portal handler starts from ([`Ctx`]): the language, who is signed in, the CSRF token
//! its forms carry, the flash message left by the previous post, and the responses a page
//! gives (a page, a redirect with a flash, a refusal rendered as a page).
//!
//! For a signed-in user, [`Ctx::load`] counts the unread notices for the navigation's badge: one
//! indexed count per page; a failed count leaves the badge off rather than failing the page.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, HttpResponseBuilder, web};
use futures_util::future::LocalBoxFuture;
use maud::{Markup, html};
use registry::error::Code;
use registry::identity::Actor;
use registry::notices;
use registry::secret::random_token;
use tracing_actix_web::RequestId;

use super::layout;
use super::messages::error_message;
use crate::app::SESSION_COOKIE;
use crate::app::{AppState, Core};
use crate::error::{ApiError, blocking};
use crate::http::csrf::CSRF_COOKIE;
use crate::i18n::Lang;
use crate::ops::{Caller, Request};

/// The cookie that carries a flash message to the next page.
const FLASH_COOKIE: &str = "th_flash";

/// A one-time message shown on the page a successful form post redirects to
/// (post/redirect/get); a refused post shows its error on the form instead. It carries a
/// message key, never text, so a forged cookie can only show one of our messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    /// A key of `hub/locales/*/portal.ftl`, `flash-...`.
    pub key: &'static str,
}

impl Flash {
    /// A success message.
    pub fn success(key: &'static str) -> Self {
        Self { key }
    }
}

/// The message of a flash cookie, in the page's language (`None` for an unknown key).
fn read_flash(key: &str, lang: Lang) -> Option<String> {
    if !key.starts_with("flash-") || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
        return None;
    }
    lang.try_t(key)
}

/// The context of one portal request. Take it as the first argument of a portal handler.
pub struct Ctx {
    pub lang: Lang,
    /// Who is signed in (pages behind an access rule always have one).
    pub actor: Option<Actor>,
    pub state: web::Data<AppState>,
    pub request_id: RequestId,
    csrf: String,
    /// A new pre-session CSRF token that the response must set as a cookie.
    fresh_pre_session: bool,
    flash: Option<String>,
    had_flash_cookie: bool,
    here: String,
    /// The signed-in user's unread notices (for the navigation).
    unread: Option<i64>,
}

impl FromRequest for Ctx {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ctx::load(&req).await })
    }
}

impl Ctx {
    /// The context of `req`, with the signed-in user's count of unread notices.
    pub async fn load(req: &HttpRequest) -> Result<Self, ApiError> {
        let mut ctx = Ctx::of(req)?;
        if let Some(user_id) = ctx.actor.as_ref().map(|a| a.user_id) {
            let counted =
                super::read(&ctx.state, move |conn| notices::unread_count(conn, user_id)).await;
            // The count decorates the navigation: a page does not fail for want of it.
            ctx.unread = counted
                .inspect_err(|e| tracing::warn!(error = %e, "unread notices not counted"))
                .ok();
        }
        Ok(ctx)
    }

    fn of(req: &HttpRequest) -> Result<Self, ApiError> {
        let state = req
            .app_data::<web::Data<AppState>>()
            .cloned()
            .ok_or_else(|| ApiError::internal("application state missing"))?;
        let lang = Lang::from_request(req, &mut Payload::None)
            .into_inner()
            .unwrap_or(Lang::En);
        let actor = req.extensions().get::<Actor>().cloned();
        let request_id = req
            .extensions()
            .get::<RequestId>()
            .copied()
            .ok_or_else(|| ApiError::internal("request id missing"))?;
        // The same rule as the CSRF middleware: a resolved session MACs its cookie; anyone else
        // double-submits the pre-session cookie.
        let session = req
            .cookie(SESSION_COOKIE)
            .filter(|_| actor.is_some())
            .map(|c| state.csrf_for_session(c.value()));
        let pre_session = req
            .cookie(CSRF_COOKIE)
            .map(|c| c.value().to_owned())
            .filter(|v| v.len() >= 32);
        let (csrf, fresh_pre_session) = match (session, pre_session) {
            (Some(token), _) => (token, false),
            (None, Some(token)) => (token, false),
            (None, None) => (random_token(""), true),
        };
        let flash_cookie = req.cookie(FLASH_COOKIE);
        let here = match req.query_string() {
            "" => req.path().to_owned(),
            query => format!("{}?{query}", req.path()),
        };
        Ok(Ctx {
            lang,
            actor,
            csrf,
            fresh_pre_session,
            flash: flash_cookie
                .as_ref()
                .and_then(|c| read_flash(c.value(), lang)),
            had_flash_cookie: flash_cookie.is_some(),
            here,
            state,
            request_id,
            unread: None,
        })
    }

    /// The operations' request for this page: its id, now on the hub's clock.
    pub fn request(&self) -> Request {
        Request::new(&self.state, self.request_id.to_string())
    }

    /// `actor` acting in this page's request.
    pub fn caller(&self, actor: &Actor) -> Caller {
        Caller::new(actor.clone(), self.request())
    }

    /// Runs an operation as `actor` in this page's request, off the async runtime.
    pub async fn act<T: Send + 'static>(
        &self,
        actor: &Actor,
        operation: impl FnOnce(&Core, &Caller) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let (state, caller) = (self.state.clone(), self.caller(actor));
        blocking(move || operation(&state, &caller)).await
    }

    /// The signed-in user's unread notices, when counted.
    pub fn unread(&self) -> Option<i64> {
        self.unread
    }

    /// Takes one notice off the unread count (the page just marked it read).
    pub fn mark_one_read(&mut self) {
        self.unread = self.unread.map(|n| (n - 1).max(0));
    }

    /// The message `key` in the page's language.
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// The token every form of the page carries.
    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    /// The path and query of this request (for links that come back here).
    pub fn here(&self) -> &str {
        &self.here
    }

    /// The flash message to show on this page, if the previous post left one.
    pub fn flash(&self) -> Option<&str> {
        self.flash.as_deref()
    }

    /// A page (200) in the frame.
    pub fn render(&self, title: &str, body: Markup) -> HttpResponse {
        self.render_status(StatusCode::OK, title, body)
    }

    /// A page with `status` in the frame (a form shown again with its error: 422 or 409).
    pub fn render_status(&self, status: StatusCode, title: &str, body: Markup) -> HttpResponse {
        let mut response = HttpResponse::build(status);
        self.cookies(&mut response);
        if self.had_flash_cookie {
            response.cookie(flash_removal());
        }
        response
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .content_type("text/html; charset=utf-8")
            .body(layout::page(self, title, body).into_string())
    }

    /// A 303 to `location` (a local path) that shows `flash` there.
    pub fn redirect(&self, location: &str, flash: Flash) -> HttpResponse {
        let mut response = HttpResponse::SeeOther();
        self.cookies(&mut response);
        response.cookie(
            Cookie::build(FLASH_COOKIE, flash.key)
                .path("/portal")
                .http_only(true)
                .same_site(SameSite::Strict)
                .secure(self.state.config.secure_cookies())
                .finish(),
        );
        response
            .insert_header((header::LOCATION, location.to_owned()))
            .finish()
    }

    /// A refusal rendered as a page of the frame: not found, outside the jurisdiction...
    pub fn refuse(&self, error: ApiError) -> Refusal {
        let status = error.status();
        let title = self.t(match error.status() {
            StatusCode::NOT_FOUND => "error-title-not-found",
            StatusCode::FORBIDDEN => "error-title-forbidden",
            StatusCode::SERVICE_UNAVAILABLE | StatusCode::INTERNAL_SERVER_ERROR => {
                "error-title-failed"
            }
            _ => "error-title-refused",
        });
        let body = html! {
            h1 { (title) }
            p.error role="alert" data-error=(error.code()) { (error_message(self.lang, &error)) }
            p { a href="/portal" { (self.t("back-home")) } }
        };
        Refusal {
            code: error.code(),
            status,
            html: layout::page(self, &title, body).into_string(),
            clear_flash: self.had_flash_cookie,
        }
    }

    fn cookies(&self, response: &mut HttpResponseBuilder) {
        if self.fresh_pre_session {
            // Scoped to the whole site: pages outside /portal (the resolver's, with its
            // verification form) reuse it instead of replacing the one an open form carries.
            response.cookie(
                Cookie::build(CSRF_COOKIE, self.csrf.clone())
                    .path("/")
                    .http_only(true)
                    .same_site(SameSite::Strict)
                    .secure(self.state.config.secure_cookies())
                    .finish(),
            );
        }
    }
}

fn flash_removal() -> Cookie<'static> {
    let mut gone = Cookie::build(FLASH_COOKIE, "").path("/portal").finish();
    gone.make_removal();
    gone
}

/// What a portal handler returns: a page or redirect, or a refusal shown as a page.
pub type Page = Result<HttpResponse, Refusal>;

/// A refusal already rendered as a page of the frame, with its status.
#[derive(Debug)]
pub struct Refusal {
    code: Code,
    status: StatusCode,
    html: String,
    clear_flash: bool,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.code, self.status)
    }
}

impl actix_web::ResponseError for Refusal {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if self.clear_flash {
            response.cookie(flash_removal());
        }
        response
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .content_type("text/html; charset=utf-8")
            .body(self.html.clone())
    }
}

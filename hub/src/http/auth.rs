//! The one place where access is decided: who the caller is (bearer token, session cookie, or
//! on API routes a client certificate bound to a machine account),
//! whether the route's rule admits them, whether the credential's scope covers the method, and,
//! for cookie-authenticated writes, the CSRF token.
//!
//! A refusal on an API route is the JSON error; on a portal route, the unauthenticated are sent
//! to the sign-in page and every other refusal is an error page of the portal's frame with the
//! same status (its `data-error` attribute carries the code).

use actix_web::body::BoxBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError, web};
use registry::error::Code;
use registry::identity::with_article;
use registry::identity::{self, Actor, Scope, TokenRefusal};

use super::csrf;
use super::routes::{Access, RouteSpec, Surface};
use super::tls::PeerCertificate;
use crate::app::{AppState, SESSION_COOKIE};
use crate::error::{ApiError, blocking};

/// What the request presented.
enum Credential {
    Bearer(String),
    Session(String),
    /// The fingerprint of the connection's client certificate.
    Certificate(String),
    Malformed,
    None,
}

/// The credential of a request: the `Authorization` header, else the session cookie, else (on
/// API routes) the connection's client certificate. A browser presents a certificate on every
/// request, as it does a cookie, so a request a page sent (`Origin` or `Sec-Fetch-Site`) is
/// not signed in by one: machines do not send those headers, and a forged form cannot ride
/// on a certificate.
fn credential_of(req: &ServiceRequest, surface: Surface) -> Credential {
    let presented = header_or_cookie(req);
    if !matches!(presented, Credential::None) || surface != Surface::Api {
        return presented;
    }
    let from_page = || {
        req.headers().contains_key(header::ORIGIN) || req.headers().contains_key("sec-fetch-site")
    };
    match req.conn_data::<PeerCertificate>() {
        Some(PeerCertificate(fingerprint)) if !from_page() => {
            Credential::Certificate(fingerprint.clone())
        }
        _ => Credential::None,
    }
}

fn header_or_cookie(req: &ServiceRequest) -> Credential {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        return match value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")) {
            Some(token) if !token.trim().is_empty() => Credential::Bearer(token.trim().to_owned()),
            _ => Credential::Malformed,
        };
    }
    match req.cookie(SESSION_COOKIE) {
        Some(cookie) if !cookie.value().is_empty() => {
            Credential::Session(cookie.value().to_owned())
        }
        _ => Credential::None,
    }
}

/// Who the credential belongs to, or why it is refused.
async fn resolve(state: &AppState, credential: &Credential) -> Result<Option<Actor>, ApiError> {
    let db = state.db.clone();
    match credential {
        Credential::None => Ok(None),
        Credential::Malformed => Err(ApiError::new(
            Code::InvalidAuthorization,
            "the Authorization header must be `Bearer <token>`",
        )),
        Credential::Bearer(token) => {
            let token = token.clone();
            let verdict = blocking(move || {
                Ok(identity::token_user(
                    &mut *db.conn()?,
                    db.clock().now(),
                    &token,
                )?)
            })
            .await?;
            match verdict {
                Ok(actor) => Ok(Some(actor)),
                Err(TokenRefusal::Unknown) => {
                    Err(ApiError::new(Code::InvalidToken, "the token is not valid"))
                }
                Err(TokenRefusal::Expired) => {
                    Err(ApiError::new(Code::TokenExpired, "the token has expired"))
                }
                Err(TokenRefusal::Revoked) => {
                    Err(ApiError::new(Code::TokenRevoked, "the token was revoked"))
                }
                Err(TokenRefusal::UserInactive) => Err(ApiError::new(
                    Code::UserInactive,
                    "the token's user is deactivated",
                )),
            }
        }
        Credential::Certificate(fingerprint) => {
            let fingerprint = fingerprint.clone();
            let verdict = blocking(move || {
                Ok(identity::certificate_user(
                    &mut *db.conn()?,
                    db.clock().now(),
                    &fingerprint,
                )?)
            })
            .await?;
            verdict.map(Some).map_err(|refusal| match refusal {
                TokenRefusal::Unknown => ApiError::new(
                    Code::CertificateUnknown,
                    "the client certificate is bound to no account",
                ),
                TokenRefusal::Expired => ApiError::new(
                    Code::CertificateExpired,
                    "the client certificate's binding has expired",
                ),
                TokenRefusal::Revoked => ApiError::new(
                    Code::CertificateRevoked,
                    "the client certificate's binding was revoked",
                ),
                TokenRefusal::UserInactive => {
                    ApiError::new(Code::UserInactive, "the certificate's user is deactivated")
                }
            })
        }
        Credential::Session(cookie) => {
            let cookie = cookie.clone();
            let actor = blocking(move || {
                Ok(identity::session_user(
                    &mut *db.conn()?,
                    db.clock().now(),
                    &cookie,
                )?)
            })
            .await?;
            actor.map(Some).ok_or_else(|| {
                ApiError::new(Code::SessionExpired, "the session has ended; sign in again")
            })
        }
    }
}

/// How a refused portal request is answered (the portal's error page in its frame). The server
/// registers it as app data, so that this module, below the portal, need not know the portal.
pub struct PortalRefusal(
    pub fn(HttpRequest, ApiError) -> futures_util::future::LocalBoxFuture<'static, HttpResponse>,
);

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The middleware wrapped around every declared route.
pub async fn authorize(
    spec: RouteSpec,
    mut req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Err(ApiError::internal("application state missing").into());
    };
    req.extensions_mut()
        .insert(crate::metrics::MatchedRoute(spec.path));
    match check(&state, &spec, &mut req).await {
        Ok(()) => next.call(req).await,
        Err(error)
            if spec.surface == Surface::Portal && error.status() == StatusCode::UNAUTHORIZED =>
        {
            let target = format!("/portal/login?next={}", urlencode(req.path()));
            let response = HttpResponse::SeeOther()
                .insert_header((header::LOCATION, target))
                .finish();
            Ok(req.into_response(response))
        }
        Err(error) if spec.surface == Surface::Portal => {
            let page = match req.app_data::<web::Data<PortalRefusal>>() {
                Some(refusal) => (refusal.0)(req.request().clone(), error).await,
                None => error.error_response(),
            };
            Ok(req.into_response(page))
        }
        Err(error) => Ok(req.into_response(error.error_response())),
    }
}

/// Records who the caller is on the request. On a refusal it reaches no handler: it only lets
/// the refusal page show the frame of the signed-in user.
fn identify(req: &ServiceRequest, actor: Option<&Actor>) {
    if let Some(actor) = actor {
        req.extensions_mut().insert(actor.clone());
    }
}

async fn check(
    state: &AppState,
    spec: &RouteSpec,
    req: &mut ServiceRequest,
) -> Result<(), ApiError> {
    let credential = credential_of(req, spec.surface);
    if spec.access == Access::Public {
        // Public API routes (the resolver, health) never pay for a credential lookup; public
        // portal pages use one if it is good, to show who is signed in.
        let actor = match spec.surface {
            Surface::Api => None,
            Surface::Portal => resolve(state, &credential).await.ok().flatten(),
        };
        identify(req, actor.as_ref());
        if !is_safe(&spec.method) && spec.surface == Surface::Portal {
            match (&credential, &actor) {
                (Credential::Session(cookie), Some(_)) => {
                    csrf::require(req, &state.csrf_for_session(cookie), state).await?;
                }
                _ => csrf::require_pre_session(req, state).await?,
            }
        }
        return Ok(());
    }
    let Some(actor) = resolve(state, &credential).await? else {
        return Err(ApiError::new(
            Code::Unauthenticated,
            "sign in or present a bearer token",
        ));
    };
    identify(req, Some(&actor));
    if !spec.access.admits(actor.role) {
        return Err(ApiError::new(
            Code::Forbidden,
            format!(
                "{} may not {} {}",
                with_article(actor.role.as_str()),
                spec.method,
                spec.path
            ),
        ));
    }
    let needed = if is_safe(&spec.method) {
        Scope::Read
    } else {
        Scope::Write
    };
    if !actor.has_scope(needed) {
        return Err(ApiError::new(
            Code::InsufficientScope,
            format!("the token lacks the `{}` scope", needed.as_str()),
        ));
    }
    if let Credential::Session(cookie) = &credential {
        if !is_safe(&spec.method) {
            csrf::require(req, &state.csrf_for_session(cookie), state).await?;
        }
    }
    Ok(())
}

fn urlencode(path: &str) -> String {
    serde_urlencoded::to_string([("", path)])
        .map(|s| s[1..].to_owned())
        .unwrap_or_default()
}

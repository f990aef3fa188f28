//! Every route of the hub, with who may call it. Adding a route here is the only way to add
//! one, and its access rule is part of the declaration.

use actix_web::http::Method;
use registry::identity::Role;

use crate::server::routes::{Access, RouteTable};
use crate::{api, openapi, portal};

const ADMIN: Access = Access::Roles(&[Role::Admin]);

/// Declares all routes into `t`.
#[rustfmt::skip]
pub fn declare(t: &mut RouteTable) {
    use Method as M;
    use Access::{Public, SignedIn};

    // Machines and operators.
    t.api(M::GET, "/healthz", Public, api::health::healthz)
        .api(M::GET, "/readyz", Public, api::health::readyz)
        .api(M::GET, "/metrics", Public, api::health::metrics)
        .api(M::GET, "/openapi.json", Public, openapi::document);

    // Identity.
    t.api(M::POST, "/api/v1/auth/login", Public, api::auth::login)
        .api(M::POST, "/api/v1/auth/logout", SignedIn, api::auth::logout)
        .api(M::GET, "/api/v1/me", SignedIn, api::auth::me)
        .api(M::GET, "/api/v1/users", ADMIN, api::users::list)
        .api(M::POST, "/api/v1/users", ADMIN, api::users::create)
        .api(M::GET, "/api/v1/users/{id}", SignedIn, api::users::get)
        .api(M::POST, "/api/v1/users/{id}/deactivate", ADMIN, api::users::deactivate)
        .api(M::POST, "/api/v1/users/{id}/activate", ADMIN, api::users::activate)
        .api(M::GET, "/api/v1/tokens", SignedIn, api::tokens::list)
        .api(M::POST, "/api/v1/tokens", SignedIn, api::tokens::create)
        .api(M::DELETE, "/api/v1/tokens/{id}", SignedIn, api::tokens::revoke);

    // Audit.
    t.api(M::GET, "/api/v1/audit", ADMIN, api::audit::list)
        .api(M::GET, "/api/v1/audit/verify", ADMIN, api::audit::verify);

    // Portal.
    t.portal(M::GET, "/", Public, portal::root)
        .portal(M::GET, "/portal/login", Public, portal::login::form)
        .portal(M::POST, "/portal/login", Public, portal::login::submit)
        .portal(M::POST, "/portal/logout", SignedIn, portal::login::logout)
        .portal(M::GET, "/portal", SignedIn, portal::login::home)
        .portal(M::GET, "/portal/lang/{tag}", Public, portal::login::switch_language);
}

//! Every route of the hub, with who may call it. Adding a route here is the only way to add
//! one, and its access rule is part of the declaration.

use actix_web::http::Method;
use registry::identity::Role;

use crate::server::routes::{Access, RouteTable};
use crate::{api, openapi, portal};

const ADMIN: Access = Access::Roles(&[Role::Admin]);
/// Who may capture EPCIS events.
const EPCIS_CAPTURE: Access = Access::Roles(&[Role::Admin, Role::Enterprise, Role::System]);
/// Who may read EPCIS events and capture jobs (handlers narrow enterprises to their own).
const EPCIS_READ: Access = Access::Roles(&[
    Role::Admin,
    Role::Officer,
    Role::Enterprise,
    Role::Inspector,
    Role::Ministry,
    Role::System,
]);

/// Declares all routes into `t`.
pub fn declare(t: &mut RouteTable) {
    // Machines and operators.
    t.api(
        Method::GET,
        "/healthz",
        Access::Public,
        api::health::healthz,
    )
    .api(Method::GET, "/readyz", Access::Public, api::health::readyz)
    .api(
        Method::GET,
        "/metrics",
        Access::Public,
        api::health::metrics,
    )
    .api(
        Method::GET,
        "/openapi.json",
        Access::Public,
        openapi::document,
    );

    // Identity.
    t.api(
        Method::POST,
        "/api/v1/auth/login",
        Access::Public,
        api::auth::login,
    )
    .api(
        Method::POST,
        "/api/v1/auth/logout",
        Access::SignedIn,
        api::auth::logout,
    )
    .api(Method::GET, "/api/v1/me", Access::SignedIn, api::auth::me)
    .api(Method::GET, "/api/v1/users", ADMIN, api::users::list)
    .api(Method::POST, "/api/v1/users", ADMIN, api::users::create)
    .api(
        Method::GET,
        "/api/v1/users/{id}",
        Access::SignedIn,
        api::users::get,
    )
    .api(
        Method::POST,
        "/api/v1/users/{id}/deactivate",
        ADMIN,
        api::users::deactivate,
    )
    .api(
        Method::POST,
        "/api/v1/users/{id}/activate",
        ADMIN,
        api::users::activate,
    )
    .api(
        Method::GET,
        "/api/v1/tokens",
        Access::SignedIn,
        api::tokens::list,
    )
    .api(
        Method::POST,
        "/api/v1/tokens",
        Access::SignedIn,
        api::tokens::create,
    )
    .api(
        Method::DELETE,
        "/api/v1/tokens/{id}",
        Access::SignedIn,
        api::tokens::revoke,
    );

    // Audit.
    t.api(Method::GET, "/api/v1/audit", ADMIN, api::audit::list)
        .api(
            Method::GET,
            "/api/v1/audit/verify",
            ADMIN,
            api::audit::verify,
        );

    // EPCIS 2.0 capture and query.
    t.api(
        Method::POST,
        "/epcis/capture",
        EPCIS_CAPTURE,
        api::epcis::capture,
    )
    .api(
        Method::GET,
        "/epcis/capture/{id}",
        EPCIS_READ,
        api::epcis::job,
    )
    .api(
        Method::POST,
        "/epcis/events",
        EPCIS_CAPTURE,
        api::epcis::capture_event,
    )
    .api(Method::GET, "/epcis/events", EPCIS_READ, api::epcis::query)
    .api(
        Method::GET,
        "/epcis/events/{eventID}",
        EPCIS_READ,
        api::epcis::query::event,
    );

    // Portal.
    t.portal(Method::GET, "/", Access::Public, portal::root)
        .portal(
            Method::GET,
            "/portal/login",
            Access::Public,
            portal::login::form,
        )
        .portal(
            Method::POST,
            "/portal/login",
            Access::Public,
            portal::login::submit,
        )
        .portal(
            Method::POST,
            "/portal/logout",
            Access::SignedIn,
            portal::login::logout,
        )
        .portal(
            Method::GET,
            "/portal",
            Access::SignedIn,
            portal::login::home,
        );
}

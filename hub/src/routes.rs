//! Every route of the hub, with who may call it. Adding a route here is the only way to add
//! one, and its access rule is part of the declaration.

use actix_web::http::Method;
use registry::identity::Role;

use crate::server::routes::{Access, RouteTable};
use crate::{api, openapi, portal};

const ADMIN: Access = Access::Roles(&[Role::Admin]);
/// Officers act on enterprises of their jurisdiction (checked per object).
const OFFICER: Access = Access::Roles(&[Role::Officer]);
/// Enterprise users act for their own enterprise (checked per object).
const ENTERPRISE: Access = Access::Roles(&[Role::Enterprise]);
/// Who searches enterprises.
const REVIEWERS: Access = Access::Roles(&[Role::Admin, Role::Officer]);
/// Who reads an enterprise's records (scoped per object).
const READERS: Access = Access::Roles(&[Role::Admin, Role::Officer, Role::Enterprise]);

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

    // Registry.
    t.api(
        Method::GET,
        "/api/v1/departments",
        Access::SignedIn,
        api::departments::list,
    )
    .api(
        Method::POST,
        "/api/v1/departments",
        ADMIN,
        api::departments::create,
    )
    .api(
        Method::POST,
        "/api/v1/enterprises",
        Access::Public,
        api::enterprises::register,
    )
    .api(
        Method::GET,
        "/api/v1/enterprises",
        REVIEWERS,
        api::enterprises::search,
    )
    .api(
        Method::GET,
        "/api/v1/enterprises/{id}",
        READERS,
        api::enterprises::get,
    )
    .api(
        Method::PATCH,
        "/api/v1/enterprises/{id}",
        ENTERPRISE,
        api::enterprises::update,
    )
    .api(
        Method::POST,
        "/api/v1/enterprises/{id}/approve",
        OFFICER,
        api::enterprises::approve,
    )
    .api(
        Method::POST,
        "/api/v1/enterprises/{id}/reject",
        OFFICER,
        api::enterprises::reject,
    )
    .api(
        Method::POST,
        "/api/v1/enterprises/{id}/suspend",
        OFFICER,
        api::enterprises::suspend,
    )
    .api(
        Method::POST,
        "/api/v1/enterprises/{id}/revoke",
        OFFICER,
        api::enterprises::revoke,
    )
    .api(
        Method::POST,
        "/api/v1/enterprises/{id}/reinstate",
        OFFICER,
        api::enterprises::reinstate,
    )
    .api(
        Method::POST,
        "/api/v1/enterprises/{id}/credit-tier",
        OFFICER,
        api::enterprises::credit_tier,
    )
    .api(
        Method::GET,
        "/api/v1/enterprises/{id}/history",
        READERS,
        api::enterprises::history,
    )
    .api(
        Method::GET,
        "/api/v1/enterprises/{id}/changes",
        READERS,
        api::enterprises::changes,
    )
    .api(
        Method::POST,
        "/api/v1/enterprises/{id}/changes/{change_id}/approve",
        OFFICER,
        api::enterprises::approve_change,
    )
    .api(
        Method::POST,
        "/api/v1/enterprises/{id}/changes/{change_id}/reject",
        OFFICER,
        api::enterprises::reject_change,
    )
    .api(
        Method::GET,
        "/api/v1/enterprises/{id}/licences",
        READERS,
        api::filings::list_licences,
    )
    .api(
        Method::POST,
        "/api/v1/enterprises/{id}/licences",
        ENTERPRISE,
        api::filings::file_licence,
    )
    .api(
        Method::GET,
        "/api/v1/enterprises/{id}/sites",
        READERS,
        api::filings::list_sites,
    )
    .api(
        Method::POST,
        "/api/v1/enterprises/{id}/sites",
        ENTERPRISE,
        api::filings::add_site,
    )
    .api(
        Method::GET,
        "/api/v1/enterprises/{id}/products",
        READERS,
        api::filings::list_products,
    )
    .api(
        Method::POST,
        "/api/v1/enterprises/{id}/products",
        ENTERPRISE,
        api::filings::create_product,
    )
    .api(
        Method::GET,
        "/api/v1/enterprises/{id}/batches",
        READERS,
        api::filings::list_batches,
    )
    .api(
        Method::POST,
        "/api/v1/enterprises/{id}/batches",
        ENTERPRISE,
        api::filings::create_batch,
    );

    // Audit.
    t.api(Method::GET, "/api/v1/audit", ADMIN, api::audit::list)
        .api(
            Method::GET,
            "/api/v1/audit/verify",
            ADMIN,
            api::audit::verify,
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

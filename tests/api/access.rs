//! Every route × every role, generated from the route table: a route admits exactly the roles
//! its rule names, anonymous callers are refused where the rule asks for a user, and read-only
//! tokens cannot write. A new route is covered the moment it is declared. API routes refuse
//! with a JSON error; portal routes with a page of the frame that carries the same code in its
//! `data-error` attribute.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use hub::http::routes::{Access, RouteSpec, RouteTable, Surface};
use registry::identity::{Role, Scope};
use reqwest::Method;
use tracehub_tests::portal::page_error_code;
use tracehub_tests::{TestApp, body};

fn table() -> Vec<RouteSpec> {
    let mut table = RouteTable::new();
    hub::routes::declare(&mut table);
    table.specs().to_vec()
}

/// A concrete path: parameters point at nothing, so allowed calls cannot change anything.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "999999"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Calls `spec` with `token`: (status, error code, whether the answer is an HTML page).
fn call(app: &TestApp, spec: &RouteSpec, token: Option<&str>) -> (u16, String, bool) {
    let method = Method::from_bytes(spec.method.as_str().as_bytes()).unwrap();
    let mut request = app.client().request(method, app.url(&concrete(spec.path)));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if spec.method != actix_web::http::Method::GET {
        request = request
            .header("content-type", "application/json")
            .body("{}");
    }
    let response = request.send().unwrap();
    let status = response.status().as_u16();
    let is_page = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    let text = response.text().unwrap();
    let code = if is_page {
        assert!(
            spec.surface == Surface::Portal || status < 400,
            "{} {}: an API route refused with a page",
            spec.method,
            spec.path
        );
        page_error_code(&text).unwrap_or("").to_owned()
    } else {
        let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        json["error"].as_str().unwrap_or("").to_owned()
    };
    (status, code, is_page)
}

#[test]
fn every_route_admits_exactly_its_roles() {
    let app = TestApp::spawn();
    let tokens: Vec<(Role, String)> = Role::ALL
        .iter()
        .map(|role| (*role, app.token(&format!("matrix-{role}"), *role)))
        .collect();
    let specs = table();
    assert!(specs.len() >= 20, "the table lists the routes");
    for spec in &specs {
        for (role, token) in &tokens {
            let (status, code, page) = call(&app, spec, Some(token));
            let label = format!("{} {} as {role}", spec.method, spec.path);
            if spec.access.admits(*role) {
                assert!(status != 401, "{label}: admitted role got 401 ({code})");
                assert!(
                    code != "forbidden" && code != "insufficient_scope",
                    "{label}: admitted role refused ({status} {code})"
                );
            } else {
                assert_eq!(
                    (status, code.as_str()),
                    (403, "forbidden"),
                    "{label}: must be refused"
                );
                assert_eq!(
                    page,
                    spec.surface == Surface::Portal,
                    "{label}: portal refusals are pages, API refusals JSON"
                );
            }
        }
    }
}

#[test]
fn anonymous_callers_reach_only_public_routes() {
    let app = TestApp::spawn();
    for spec in table() {
        let (status, code, _) = call(&app, &spec, None);
        let label = format!("{} {} anonymously", spec.method, spec.path);
        match (spec.access, spec.surface) {
            (Access::Public, _) => {
                assert!(
                    status != 401 && code != "forbidden",
                    "{label}: {status} {code}"
                );
            }
            (_, Surface::Api) => {
                assert_eq!((status, code.as_str()), (401, "unauthenticated"), "{label}");
            }
            (_, Surface::Portal) => {
                assert_eq!(status, 303, "{label}: portal pages send people to sign in");
            }
        }
    }
}

#[test]
fn read_only_tokens_cannot_write() {
    let app = TestApp::spawn();
    // A read-only token for every role, so each route is called by a role it admits.
    let tokens: Vec<(Role, String)> = Role::ALL
        .iter()
        .map(|role| {
            let user = app.user(&format!("reader-{role}"), *role);
            (*role, app.token_for(&user, &[Scope::Read]))
        })
        .collect();
    for spec in table()
        .iter()
        .filter(|s| s.access != Access::Public && s.surface == Surface::Api)
    {
        let (_, read_only) = tokens
            .iter()
            .find(|(role, _)| spec.access.admits(*role))
            .unwrap();
        let (status, code, _) = call(&app, spec, Some(read_only));
        let label = format!("{} {} with a read-only token", spec.method, spec.path);
        if spec.method == actix_web::http::Method::GET {
            assert!(status != 401 && status != 403, "{label}: {status} {code}");
        } else {
            assert_eq!(
                (status, code.as_str()),
                (403, "insufficient_scope"),
                "{label}"
            );
        }
    }
}

#[test]
fn malformed_authorization_is_refused() {
    let app = TestApp::spawn();
    let response = app
        .client()
        .get(app.url("/api/v1/me"))
        .header("authorization", "Basic dXNlcjpwdw==")
        .send()
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(body(response)["error"], "invalid_authorization");
    let response = app
        .client()
        .get(app.url("/api/v1/me"))
        .bearer_auth("thk_not-a-token")
        .send()
        .unwrap();
    assert_eq!(body(response)["error"], "invalid_token");
}

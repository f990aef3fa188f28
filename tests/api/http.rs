//! The HTTP surface: health, readiness, metrics, limits, malformed input, unknown routes, and the
//! OpenAPI document (snapshot and coverage of the route table).

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use std::collections::BTreeSet;

use hub::http::routes::{RouteTable, Surface};
use registry::identity::Role;
use tracehub_tests::{TestApp, assert_error, body};

#[test]
fn health_readiness_and_metrics() {
    let app = TestApp::spawn();
    let client = app.client();
    let health = client.get(app.url("/healthz")).send().unwrap();
    assert!(health.headers().contains_key("x-request-id"));
    assert_eq!(body(health)["status"], "ok");
    let ready = body(client.get(app.url("/readyz")).send().unwrap());
    assert_eq!(ready["database"], app.test_db().backend().as_str());
    let metrics = client
        .get(app.url("/metrics"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        metrics.contains(r#"http_requests_total{method="GET",route="/readyz",status="200"} 1"#),
        "{metrics}"
    );
    assert!(metrics.contains("http_request_duration_seconds_bucket"));
    assert!(metrics.contains("db_pool_connections"));
}

#[test]
fn oversized_bodies_get_413_and_write_nothing() {
    let app = TestApp::spawn_with(|c| c.server.body_limit_bytes = 4096);
    let admin = app.token("root", Role::Admin);
    let huge = format!(
        r#"{{"username": "big", "display_name": "{}", "role": "inspector"}}"#,
        "x".repeat(10_000)
    );
    let response = app
        .client()
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .unwrap();
    assert_error(response, 413, "payload_too_large");
    let users = body(
        app.client()
            .get(app.url("/api/v1/users"))
            .bearer_auth(&admin)
            .send()
            .unwrap(),
    );
    assert_eq!(users.as_array().unwrap().len(), 1);
}

#[test]
fn malformed_json_names_the_problem() {
    let app = TestApp::spawn();
    let admin = app.token("root", Role::Admin);
    let post = |body: &str, content_type: &str| {
        app.client()
            .post(app.url("/api/v1/users"))
            .bearer_auth(&admin)
            .header("content-type", content_type)
            .body(body.to_owned())
            .send()
            .unwrap()
    };
    let broken = assert_error(
        post(r#"{"username": "x", "#, "application/json"),
        400,
        "invalid_json",
    );
    assert!(
        broken["message"].as_str().unwrap().contains("EOF"),
        "{broken}"
    );
    let typed = assert_error(
        post(
            r#"{"username": 7, "display_name": "x", "role": "admin"}"#,
            "application/json",
        ),
        400,
        "invalid_field",
    );
    assert_eq!(typed["field"], "username");
    let missing = assert_error(
        post(
            r#"{"username": "ok-name", "display_name": "x"}"#,
            "application/json",
        ),
        400,
        "invalid_field",
    );
    assert_eq!(missing["field"], "role");
    let role = assert_error(
        post(
            r#"{"username": "ok-name", "display_name": "x", "role": "emperor"}"#,
            "application/json",
        ),
        400,
        "invalid_field",
    );
    assert_eq!(role["field"], "role");
    assert_error(
        post("username=x", "application/x-www-form-urlencoded"),
        415,
        "unsupported_media_type",
    );
}

#[test]
fn unknown_routes_and_methods() {
    let app = TestApp::spawn();
    assert_error(
        app.client().get(app.url("/no/such/thing")).send().unwrap(),
        404,
        "not_found",
    );
    let refused = app.client().delete(app.url("/healthz")).send().unwrap();
    assert_eq!(refused.headers()["allow"], "GET, HEAD");
    assert_error(refused, 405, "method_not_allowed");
    // RFC 9110: what answers GET answers HEAD, with the headers and no body.
    let head = app.client().head(app.url("/healthz")).send().unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-type"], "application/json");
    assert!(head.bytes().unwrap().is_empty());
    let admin = app.token("root", Role::Admin);
    let wrong_type = assert_error(
        app.client()
            .get(app.url("/api/v1/users/1e3"))
            .bearer_auth(&admin)
            .send()
            .unwrap(),
        400,
        "invalid_field",
    );
    assert_eq!(wrong_type["field"], "id");
    let limit = assert_error(
        app.client()
            .get(app.url("/api/v1/audit?limit=0"))
            .bearer_auth(&admin)
            .send()
            .unwrap(),
        422,
        "invalid_page",
    );
    assert_eq!(limit["field"], "limit");
    // Over the body limit: the JSON error body, not the HTTP library's text.
    assert_error(
        app.client()
            .post(app.url("/epcis/capture"))
            .bearer_auth(&admin)
            .header("content-type", "application/ld+json")
            .body(vec![b' '; 20 * 1024 * 1024])
            .send()
            .unwrap(),
        413,
        "payload_too_large",
    );
    assert_error(
        app.client()
            .get(app.url("/api/v1/audit?limit=many"))
            .bearer_auth(&admin)
            .send()
            .unwrap(),
        400,
        "invalid_query",
    );
    // An overlong request target: 414 with the error body (up to the library's 128 KiB head).
    let long = format!(
        "/api/v1/enterprises?name={}",
        "x".repeat(hub::http::uri::MAX_URI_BYTES)
    );
    let too_long = assert_error(
        app.client()
            .get(app.url(&long))
            .bearer_auth(&admin)
            .send()
            .unwrap(),
        414,
        "uri_too_long",
    );
    assert!(too_long["message"].as_str().unwrap().contains("limit"));
    let fits = format!("/api/v1/enterprises?name={}", "x".repeat(1000));
    assert_eq!(
        app.client()
            .get(app.url(&fits))
            .bearer_auth(&admin)
            .send()
            .unwrap()
            .status(),
        200
    );
}

#[test]
fn the_openapi_document_covers_every_api_route_and_matches_the_snapshot() {
    let app = TestApp::spawn();
    let document = body(app.client().get(app.url("/openapi.json")).send().unwrap());
    let documented: BTreeSet<(String, String)> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect();
    let mut table = RouteTable::new();
    hub::routes::declare(&mut table);
    let declared: BTreeSet<(String, String)> = table
        .specs()
        .iter()
        .filter(|s| s.surface == Surface::Api)
        .map(|s| (s.method.to_string(), s.path.to_owned()))
        .collect();
    assert_eq!(
        documented, declared,
        "the OpenAPI document and the route table must list the same API routes"
    );

    let snapshot_path = concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots/openapi.json");
    let rendered = serde_json::to_string_pretty(&document).unwrap() + "\n";
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(snapshot_path, &rendered).unwrap();
    }
    let snapshot = std::fs::read_to_string(snapshot_path).unwrap_or_default();
    assert!(
        snapshot == rendered,
        "the API changed: review, then rerun with UPDATE_SNAPSHOTS=1 to accept it"
    );
}

#[test]
fn the_docs_ui_is_served_from_the_binary() {
    let app = TestApp::spawn();
    let page = app.client().get(app.url("/docs/")).send().unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().unwrap().contains("swagger"));
    let bundle = app
        .client()
        .get(app.url("/docs/swagger-ui-bundle.js"))
        .send()
        .unwrap();
    assert_eq!(bundle.status(), 200);
}

#[test]
fn error_messages_follow_the_callers_language_and_codes_stay_stable() {
    let app = TestApp::spawn();
    let admin = app.token("root", Role::Admin);
    let register = |lang: &str| {
        let mut body = tracehub_tests::fixtures::registration(1, "410102", &["food"]);
        body["credit_code"] = serde_json::json!("91110000600037341X");
        app.client()
            .post(app.url("/api/v1/enterprises"))
            .header("accept-language", lang)
            .json(&body)
            .send()
            .unwrap()
    };
    let zh = assert_error(
        register("zh-CN,zh;q=0.9,en;q=0.5"),
        422,
        "invalid_credit_code",
    );
    assert_eq!(zh["field"], "credit_code");
    assert!(
        zh["message"].as_str().unwrap().contains("统一社会信用代码"),
        "{zh}"
    );
    let vi = assert_error(register("vi-VN"), 422, "invalid_credit_code");
    assert_eq!(vi["field"], "credit_code");
    assert!(
        vi["message"].as_str().unwrap().contains("Mã tín dụng"),
        "{vi}"
    );
    let en = assert_error(register("en-GB"), 422, "invalid_credit_code");
    assert!(
        en["message"].as_str().unwrap().starts_with("credit_code:"),
        "{en}"
    );
    let none = assert_error(register("fr"), 422, "invalid_credit_code");
    assert_eq!(none["message"], en["message"]);
    // Errors raised before any handler (authentication) are translated too.
    let anonymous = app
        .client()
        .get(app.url("/api/v1/me"))
        .header("accept-language", "vi")
        .send()
        .unwrap();
    let anonymous = assert_error(anonymous, 401, "unauthenticated");
    assert!(anonymous["message"].as_str().unwrap().contains("đăng nhập"));
    // Codes the portal translates for its forms are translated for the API too (one table;
    // a code without a translation keeping its English message is checked in `hub::i18n`).
    let weak = app
        .client()
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .header("accept-language", "zh-CN")
        .json(&serde_json::json!({ "username": "weak", "display_name": "weak", "role": "inspector", "password": "x" }))
        .send()
        .unwrap();
    let weak = assert_error(weak, 422, "weak_password");
    assert!(!weak["message"].as_str().unwrap().is_ascii(), "{weak}");
}

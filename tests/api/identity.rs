//! Sign-in, sessions, CSRF, tokens and the audit trail, over HTTP.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use chrono::SubsecRound;
use registry::identity::Role;
use serde_json::json;
use tracehub_tests::portal::assert_refused_page;
use tracehub_tests::{PASSWORD, TestApp, assert_error, body};

#[test]
fn an_admin_creates_users_and_every_change_is_audited() {
    let app = TestApp::spawn();
    let admin = app.token("root", Role::Admin);
    let client = app.client();
    let dept = app.department("MR-HN", "410000");
    let response = client
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .json(&json!({ "username": "officer.li", "display_name": "李明", "role": "officer", "department_id": dept, "password": PASSWORD }))
        .send()
        .unwrap();
    assert_eq!(response.status(), 201);
    let user = body(response);
    assert_eq!(user["role"], "officer");
    assert!(
        user.get("password_hash").is_none(),
        "hashes never leave the hub"
    );

    let refused = client
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .json(&json!({ "username": "officer.wang", "display_name": "王", "role": "officer" }))
        .send()
        .unwrap();
    let error = assert_error(refused, 422, "binding_required");
    assert_eq!(error["field"], "department_id");
    let duplicate = client
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .json(&json!({ "username": "officer.li", "display_name": "x", "role": "inspector" }))
        .send()
        .unwrap();
    assert_eq!(
        assert_error(duplicate, 409, "username_taken")["field"],
        "username"
    );

    let audit = body(
        client
            .get(app.url("/api/v1/audit"))
            .bearer_auth(&admin)
            .send()
            .unwrap(),
    );
    let rows = audit.as_array().unwrap();
    assert_eq!(rows.len(), 1, "refused changes write nothing: {audit}");
    assert_eq!(rows[0]["action"], "user.create");
    assert_eq!(rows[0]["actor"], "user:root");
    assert!(!rows[0]["detail"].as_str().unwrap().contains(PASSWORD));
    let verified = body(
        client
            .get(app.url("/api/v1/audit/verify"))
            .bearer_auth(&admin)
            .send()
            .unwrap(),
    );
    assert_eq!(verified["intact"], true);
    assert_eq!(verified["rows"], 1);
}

#[test]
fn wrong_passwords_are_refused_then_rate_limited() {
    let app = TestApp::spawn_with(|c| c.security.login_max_failures = 3);
    app.user("alice", Role::Inspector);
    let client = app.client();
    let attempt = |password: &str| {
        client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({ "username": "alice", "password": password }))
            .send()
            .unwrap()
    };
    for _ in 0..3 {
        assert_error(attempt("wrong password!"), 401, "invalid_credentials");
    }
    let limited = attempt(PASSWORD);
    assert!(limited.headers().get("retry-after").is_some());
    assert_error(limited, 429, "too_many_attempts");
    assert_error(
        client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({ "username": "nobody", "password": "x" }))
            .send()
            .unwrap(),
        401,
        "invalid_credentials",
    );
}

#[test]
fn session_writes_need_the_csrf_token() {
    let app = TestApp::spawn();
    app.user("bob", Role::Ministry);
    let client = app.client();
    let csrf = app.login(&client, "bob");
    let me = body(client.get(app.url("/api/v1/me")).send().unwrap());
    assert_eq!(
        (me["username"].as_str(), me["method"].as_str()),
        (Some("bob"), Some("session"))
    );

    let create = |token: Option<&str>| {
        let mut request = client
            .post(app.url("/api/v1/tokens"))
            .json(&json!({ "name": "feed", "scopes": ["read"] }));
        if let Some(token) = token {
            request = request.header("x-csrf-token", token);
        }
        request.send().unwrap()
    };
    assert_error(create(None), 403, "csrf_missing");
    assert_error(create(Some("0000")), 403, "csrf_invalid");
    let created = create(Some(&csrf));
    assert_eq!(created.status(), 201);
    let secret = body(created)["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("thk_"));

    // Bearer requests carry no ambient authority, so need no CSRF token.
    let by_token = app
        .client()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .unwrap();
    assert_eq!(body(by_token)["method"], "token");

    let logout = client
        .post(app.url("/api/v1/auth/logout"))
        .header("x-csrf-token", &csrf)
        .send()
        .unwrap();
    assert_eq!(logout.status(), 204);
    assert_error(
        client.get(app.url("/api/v1/me")).send().unwrap(),
        401,
        "unauthenticated",
    );
}

#[test]
fn expired_revoked_and_orphaned_tokens_are_refused() {
    let app = TestApp::spawn();
    let admin = app.token("root", Role::Admin);
    let machine = app.user("agri-adapter", Role::System);
    let client = app.client();
    let create = |expires_at: Option<String>| {
        let response = client
            .post(app.url("/api/v1/tokens"))
            .bearer_auth(&admin)
            .json(&json!({ "name": "agri feed", "scopes": ["read", "write"], "user_id": machine.id, "expires_at": expires_at }))
            .send()
            .unwrap();
        assert_eq!(response.status(), 201);
        body(response)
    };
    let created = create(None);
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert_eq!(
        body(
            client
                .get(app.url("/api/v1/me"))
                .bearer_auth(&secret)
                .send()
                .unwrap()
        )["username"],
        "agri-adapter"
    );

    let id = created["token"]["id"].as_i64().unwrap();
    let revoked = client
        .delete(app.url(&format!("/api/v1/tokens/{id}")))
        .bearer_auth(&admin)
        .send()
        .unwrap();
    assert_eq!(revoked.status(), 200);
    assert_error(
        client
            .get(app.url("/api/v1/me"))
            .bearer_auth(&secret)
            .send()
            .unwrap(),
        401,
        "token_revoked",
    );

    // Times are RFC 3339 with their offset, both ways: one given in Beijing time comes back in UTC.
    let soon = app.now() + chrono::Duration::seconds(2);
    let beijing = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let soon_in_beijing = soon.and_utc().with_timezone(&beijing).to_rfc3339();
    assert!(soon_in_beijing.ends_with("+08:00"));
    let naive = soon.format("%Y-%m-%dT%H:%M:%S").to_string();
    let refused = client
        .post(app.url("/api/v1/tokens"))
        .bearer_auth(&admin)
        .json(&json!({ "name": "naive", "scopes": ["read"], "user_id": machine.id, "expires_at": naive }))
        .send()
        .unwrap();
    assert_eq!(
        assert_error(refused, 400, "invalid_field")["field"],
        "expires_at"
    );
    let expiring_token = create(Some(soon_in_beijing));
    assert_eq!(
        expiring_token["token"]["expires_at"],
        registry::time::rfc3339(soon.trunc_subsecs(6))
    );
    let expiring = expiring_token["secret"].as_str().unwrap().to_owned();
    assert_eq!(
        client
            .get(app.url("/api/v1/me"))
            .bearer_auth(&expiring)
            .send()
            .unwrap()
            .status(),
        200
    );
    std::thread::sleep(std::time::Duration::from_millis(2500));
    assert_error(
        client
            .get(app.url("/api/v1/me"))
            .bearer_auth(&expiring)
            .send()
            .unwrap(),
        401,
        "token_expired",
    );

    let live = create(None)["secret"].as_str().unwrap().to_owned();
    let off = client
        .post(app.url(&format!("/api/v1/users/{}/deactivate", machine.id)))
        .bearer_auth(&admin)
        .send()
        .unwrap();
    assert_eq!(off.status(), 200);
    assert_error(
        client
            .get(app.url("/api/v1/me"))
            .bearer_auth(&live)
            .send()
            .unwrap(),
        401,
        "user_inactive",
    );
}

#[test]
fn users_manage_only_their_own_tokens() {
    let app = TestApp::spawn();
    let carol = app.user("carol", Role::Inspector);
    let carol_token = app.token_for(
        &carol,
        &[
            registry::identity::Scope::Read,
            registry::identity::Scope::Write,
        ],
    );
    let dave = app.token("dave", Role::Inspector);
    let client = app.client();
    let carols: Vec<i64> = body(
        client
            .get(app.url("/api/v1/tokens"))
            .bearer_auth(&carol_token)
            .send()
            .unwrap(),
    )
    .as_array()
    .unwrap()
    .iter()
    .map(|t| t["id"].as_i64().unwrap())
    .collect();
    assert_eq!(carols.len(), 1);
    assert_error(
        client
            .delete(app.url(&format!("/api/v1/tokens/{}", carols[0])))
            .bearer_auth(&dave)
            .send()
            .unwrap(),
        404,
        "not_found",
    );
    assert_error(
        client
            .get(app.url(&format!("/api/v1/tokens?user_id={}", carol.id)))
            .bearer_auth(&dave)
            .send()
            .unwrap(),
        403,
        "forbidden",
    );
    assert_error(
        client
            .get(app.url(&format!("/api/v1/users/{}", carol.id)))
            .bearer_auth(&dave)
            .send()
            .unwrap(),
        404,
        "not_found",
    );
    assert_eq!(
        client
            .get(app.url(&format!("/api/v1/users/{}", carol.id)))
            .bearer_auth(&carol_token)
            .send()
            .unwrap()
            .status(),
        200
    );
}

#[test]
fn the_portal_signs_people_in_with_a_csrf_protected_form() {
    let app = TestApp::spawn();
    app.user("erin", Role::Officer);
    let client = app.client();
    let bounced = client.get(app.url("/portal")).send().unwrap();
    assert_eq!(bounced.status(), 303);
    assert!(
        bounced.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/portal/login")
    );

    let page = client
        .get(app.url("/portal/login"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let csrf = page
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let form = |fields: &[(&str, &str)]| {
        client
            .post(app.url("/portal/login"))
            .form(fields)
            .send()
            .unwrap()
    };
    assert_refused_page(
        form(&[("username", "erin"), ("password", PASSWORD)]),
        403,
        "csrf_missing",
    );
    assert_refused_page(
        form(&[
            ("username", "erin"),
            ("password", PASSWORD),
            ("csrf_token", "forged-token-forged-token-forged!"),
        ]),
        403,
        "csrf_invalid",
    );
    let wrong = form(&[
        ("username", "erin"),
        ("password", "nope nope nope"),
        ("csrf_token", &csrf),
    ]);
    assert_eq!(wrong.status(), 401);
    assert!(wrong.text().unwrap().contains("Wrong username or password"));

    let page = client
        .get(app.url("/portal/login"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let csrf = page
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let signed_in = form(&[
        ("username", "erin"),
        ("password", PASSWORD),
        ("csrf_token", &csrf),
        ("next", "https://evil.example/"),
    ]);
    assert_eq!(signed_in.status(), 303);
    assert_eq!(
        signed_in.headers()["location"],
        "/portal",
        "no open redirect"
    );
    let cookie = signed_in.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );

    let home = client
        .get(app.url("/portal"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(home.contains("Welcome, erin"));
    let session_csrf = home
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    assert_refused_page(
        client
            .post(app.url("/portal/logout"))
            .form(&[("x", "y")])
            .send()
            .unwrap(),
        403,
        "csrf_missing",
    );
    let out = client
        .post(app.url("/portal/logout"))
        .form(&[("csrf_token", session_csrf.as_str())])
        .send()
        .unwrap();
    assert_eq!(out.status(), 303);
    assert_eq!(client.get(app.url("/portal")).send().unwrap().status(), 303);
}

#[test]
fn forwarded_addresses_count_only_from_trusted_proxies() {
    let failures_from = |app: &TestApp, forwarded: &[&str]| -> Vec<u16> {
        forwarded
            .iter()
            .enumerate()
            .map(|(i, address)| {
                app.client()
                    .post(app.url("/api/v1/auth/login"))
                    .header("x-forwarded-for", *address)
                    .json(&json!({ "username": format!("guess{i}"), "password": "wrong password" }))
                    .send()
                    .unwrap()
                    .status()
                    .as_u16()
            })
            .collect()
    };
    let addresses = [
        "203.0.113.1",
        "203.0.113.2",
        "203.0.113.3",
        "203.0.113.4",
        "203.0.113.5",
    ];
    // One failure per username allowed, so four per client address: the fifth guess from the same
    // peer is refused, whatever X-Forwarded-For claims.
    let direct = TestApp::spawn_with(|c| c.security.login_max_failures = 1);
    assert_eq!(
        failures_from(&direct, &addresses),
        [401, 401, 401, 401, 429]
    );
    // Behind a trusted proxy, each forwarded address is its own client.
    let proxied = TestApp::spawn_with(|c| {
        c.security.login_max_failures = 1;
        c.server.trusted_proxies = vec!["127.0.0.0/8".to_owned().try_into().unwrap()];
    });
    assert_eq!(
        failures_from(&proxied, &addresses),
        [401, 401, 401, 401, 401]
    );
}

#[test]
fn the_portal_speaks_chinese_vietnamese_and_english() {
    let app = TestApp::spawn();
    let client = app.client();
    let page = |accept: &str| {
        client
            .get(app.url("/portal/login"))
            .header("accept-language", accept)
            .send()
            .unwrap()
            .text()
            .unwrap()
    };
    assert!(page("zh-CN,zh;q=0.9").contains("登录"));
    assert!(page("vi-VN").contains("Đăng nhập"));
    assert!(page("fr").contains("Sign in"));
    // A chosen language is remembered and wins over the browser's.
    let switched = client
        .get(app.url("/portal/lang/vi?next=/portal/login"))
        .send()
        .unwrap();
    assert_eq!(switched.status(), 303);
    assert_eq!(switched.headers()["location"], "/portal/login");
    let remembered = page("zh-CN");
    assert!(remembered.contains("Đăng nhập") && remembered.contains("lang=\"vi\""));
    assert_error(
        client.get(app.url("/portal/lang/xx")).send().unwrap(),
        404,
        "not_found",
    );
}

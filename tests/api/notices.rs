//! Notices end to end: an alert's notice reaches each recipient's inbox and, through a real SMTP
//! conversation on loopback, their mailbox in their language; a mail server that is down gets
//! the message once it is back, exactly once; a permanent refusal ends the job at once; two
//! workers racing mail each message once.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use std::collections::HashSet;
use std::time::Duration;

use diesel::prelude::*;
use registry::alerts::{self, NewAlert, Severity};
use registry::departments::Category;
use registry::identity::{Locale, Role, Scope, User};
use registry::notices::EMAIL_JOB;
use registry::schema::{departments, outbox};
use serde_json::json;
use tracehub_tests::smtp::SmtpServer;
use tracehub_tests::{TestApp, body, wait_until};

/// A food department over Zhengzhou (410100).
fn department(app: &TestApp) -> i64 {
    diesel::insert_into(departments::table)
        .values((
            departments::code.eq("ZZ-FOOD"),
            departments::name.eq("郑州市市场监督管理局"),
            departments::region_code.eq("410100"),
            departments::categories.eq("food"),
            departments::created_at.eq(app.now()),
        ))
        .returning(departments::id)
        .get_result(&mut app.test_db().raw())
        .unwrap()
}

/// An officer of `dept` without a password, mailed at `{name}@example.cn` or not.
fn officer(app: &TestApp, dept: i64, name: &str, mailed: bool, locale: Option<Locale>) -> User {
    app.officer(dept, name, |new| {
        new.email = mailed.then(|| format!("{name}@example.cn"));
        new.password = None;
        new.locale = locale;
    })
}

/// Raises a scan-limit alert in Zhengzhou (food), which notifies the competent officers.
fn raise(app: &TestApp, n: u32) {
    let subject = format!("stamp:K7M3P9X2W4R8T{n}");
    app.state
        .db
        .transaction(|conn| {
            alerts::raise(
                conn,
                app.now(),
                &NewAlert {
                    kind: "stamp.scan_limit",
                    severity: Severity::Critical,
                    enterprise_id: None,
                    region_code: "410102",
                    category: Some(Category::Food),
                    company_prefix: "6901234",
                    subject: &subject,
                    detail: json!({ "scans": 41, "limit": 20 }),
                    dedupe_key: None,
                },
            )
        })
        .unwrap();
}

/// (status, attempts, last_error) of every e-mail job.
fn email_jobs(app: &TestApp) -> Vec<(String, i32, Option<String>)> {
    outbox::table
        .filter(outbox::kind.eq(EMAIL_JOB))
        .order(outbox::id)
        .select((outbox::status, outbox::attempts, outbox::last_error))
        .load(&mut app.test_db().raw())
        .unwrap()
}

#[test]
fn a_notice_reaches_inboxes_and_mailboxes_in_each_readers_language() {
    let server = SmtpServer::start();
    let app = TestApp::spawn_with(server.hub_mails_here());
    let dept = department(&app);
    let vi = officer(&app, dept, "nguyen", true, Some(Locale::Vi));
    officer(&app, dept, "wang", true, None);
    let quiet = officer(&app, dept, "lisi", false, Some(Locale::En));
    raise(&app, 1);

    wait_until("two messages", || server.messages().len() == 2);
    let messages = server.messages();
    let to_vi = messages
        .iter()
        .find(|m| m.to == ["nguyen@example.cn"])
        .unwrap();
    assert_eq!(
        to_vi.subject(),
        "[Nghiêm trọng] Cảnh báo: Số lần quét vượt giới hạn"
    );
    assert!(to_vi.text().contains("Đối tượng: stamp:K7M3P9X2W4R8T1"));
    assert_eq!(to_vi.header("Content-Language").as_deref(), Some("vi"));
    let html = to_vi
        .parsed()
        .body_html(0)
        .map(|h| h.into_owned())
        .unwrap_or_default();
    assert!(
        html.contains("<html lang=\"vi\">") && html.contains("Đối tượng: stamp:K7M3P9X2W4R8T1"),
        "{html}"
    );
    assert_eq!(to_vi.from, "noreply@hub.example.cn");
    let to_zh = messages
        .iter()
        .find(|m| m.to == ["wang@example.cn"])
        .unwrap();
    assert_eq!(
        to_zh.subject(),
        "【严重】预警：扫描次数超出限值",
        "the configured default"
    );
    assert!(to_zh.text().contains("对象：stamp:K7M3P9X2W4R8T1"));

    // In-app: every recipient, mailed or not, in their language.
    let token = app.token_for(&quiet, &[Scope::Read, Scope::Write]);
    let get = |path: &str| {
        body(
            app.client()
                .get(app.url(path))
                .bearer_auth(&token)
                .send()
                .unwrap(),
        )
    };
    let inbox = get("/api/v1/notices");
    assert_eq!(inbox.as_array().unwrap().len(), 1);
    assert_eq!(inbox[0]["subject"], "[Critical] Alert: Scan limit exceeded");
    assert_eq!(inbox[0]["topic"], "alert.stamp.scan_limit");
    assert_eq!(inbox[0]["read_at"], serde_json::Value::Null);
    let id = inbox[0]["id"].as_i64().unwrap();
    let read = app
        .client()
        .post(app.url(&format!("/api/v1/notices/{id}/read")))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(read.status(), 200);
    assert!(body(read)["read_at"].is_string());
    assert_eq!(get("/api/v1/notices?unread=true"), json!([]));
    // Another's notice does not exist for them.
    let theirs = app.token_for(&vi, &[Scope::Read, Scope::Write]);
    let response = app
        .client()
        .post(app.url(&format!("/api/v1/notices/{id}/read")))
        .bearer_auth(&theirs)
        .send()
        .unwrap();
    assert_eq!(response.status(), 404);

    // Nothing more is sent later.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(server.messages().len(), 2);
}

#[test]
fn with_the_mail_server_down_mail_waits_and_is_delivered_once_when_it_is_back() {
    let mut server = SmtpServer::start();
    server.stop();
    let app = TestApp::spawn_with(server.hub_mails_here());
    let dept = department(&app);
    officer(&app, dept, "wang", true, None);
    raise(&app, 2);

    wait_until("a failed attempt", || {
        email_jobs(&app)
            .first()
            .is_some_and(|(status, attempts, _)| status == "queued" && *attempts == 1)
    });
    let (_, _, error) = email_jobs(&app).remove(0);
    assert!(error.unwrap().contains("mail server"), "the reason is kept");

    // Back up, and (instead of waiting out the back-off) the retry is due now.
    server.resume();
    diesel::update(outbox::table.filter(outbox::kind.eq(EMAIL_JOB)))
        .set(outbox::run_after.eq(app.now()))
        .execute(&mut app.test_db().raw())
        .unwrap();
    wait_until("the delivery", || email_jobs(&app)[0].0 == "done");
    std::thread::sleep(Duration::from_millis(500));
    let messages = server.messages();
    assert_eq!(messages.len(), 1, "exactly once");
    assert_eq!(messages[0].to, ["wang@example.cn"]);
    assert_eq!(email_jobs(&app)[0].1, 2);
}

#[test]
fn a_permanent_refusal_ends_the_job_dead_without_retries() {
    let server = SmtpServer::start();
    server.refuse_recipients(Some("550 5.1.1 <wang@example.cn>: mailbox unavailable"));
    let app = TestApp::spawn_with(server.hub_mails_here());
    let dept = department(&app);
    officer(&app, dept, "wang", true, None);
    raise(&app, 3);

    wait_until("a dead job", || {
        email_jobs(&app)
            .first()
            .is_some_and(|(s, _, _)| s == "dead")
    });
    let (_, attempts, error) = email_jobs(&app).remove(0);
    assert_eq!(attempts, 1, "no retry");
    assert!(
        error.unwrap().contains("550"),
        "the server's answer is kept"
    );
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(server.connections(), 1);
    assert!(server.messages().is_empty());
}

#[test]
fn two_workers_racing_mail_each_message_once() {
    let server = SmtpServer::start();
    let app = TestApp::spawn_with(server.hub_mails_here());
    // A second replica: its own pool and worker on the same database.
    let config = (*app.state.config).clone();
    let secret = config.secret_key().unwrap();
    let pool = registry::db::Db::open(app.test_db().url(), Default::default())
        .unwrap()
        .with_clock(app.clock().clone());
    let replica = hub::jobs::Background::start(&hub::app::AppState::new(pool, config, &secret));

    let dept = department(&app);
    for name in ["off1", "off2", "off3"] {
        officer(&app, dept, name, true, None);
    }
    for n in 0..8 {
        raise(&app, n);
    }
    wait_until("24 sent e-mails", || {
        email_jobs(&app)
            .iter()
            .filter(|(s, _, _)| s == "done")
            .count()
            == 24
    });
    replica.stop();
    std::thread::sleep(Duration::from_millis(300));
    let messages = server.messages();
    let distinct: HashSet<(Vec<String>, String)> =
        messages.iter().map(|m| (m.to.clone(), m.text())).collect();
    assert_eq!((messages.len(), distinct.len()), (24, 24));
}

#[test]
fn users_choose_the_language_of_their_notices() {
    let app = TestApp::spawn();
    let admin = app.token("root", Role::Admin);
    let created = app
        .client()
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .json(&json!({ "username": "ministry1", "display_name": "MOFCOM", "role": "ministry", "locale": "vi" }))
        .send()
        .unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(body(created)["locale"], "vi");
    let bad = app
        .client()
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .json(&json!({ "username": "ministry2", "display_name": "M", "role": "ministry", "locale": "fr" }))
        .send()
        .unwrap();
    assert_eq!(bad.status().as_u16() / 100, 4);
    assert_eq!(body(bad)["field"], "locale");

    let changed = app
        .client()
        .put(app.url("/api/v1/me/locale"))
        .bearer_auth(&admin)
        .json(&json!({ "locale": "en" }))
        .send()
        .unwrap();
    assert_eq!(changed.status(), 200);
    assert_eq!(body(changed)["locale"], "en");
}

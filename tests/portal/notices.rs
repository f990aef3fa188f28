//! The notice inbox in the portal over HTTP, with the hub's worker delivering: the unread count
//! in the navigation, the unread filter, a notice's page that marks it read (audited once), a
//! notice that does not exist for another user (404), and the language of the next notice
//! following the preference chosen on the account page.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use std::time::{Duration, Instant};

use diesel::prelude::*;
use registry::alerts::{self, NewAlert, Severity};
use registry::departments::Category;
use registry::identity::Role;
use registry::schema::audit_log;
use serde_json::{Value, json};
use tracehub_tests::fixtures::Registry;
use tracehub_tests::portal::{Visitor, assert_refused_page, location};
use tracehub_tests::{TestApp, assert_error, body};

/// A hub whose worker looks for notices to deliver every 50 ms.
fn registry() -> Registry {
    let app = TestApp::spawn_with(|c| c.jobs.poll_interval_ms = 50);
    let admin = app.token("root", Role::Admin);
    Registry { app, admin }
}

/// Waits until `token`'s inbox holds `n` notices; returns them, newest first.
fn inbox(r: &Registry, token: &str, n: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let list = body(r.get(token, "/api/v1/notices"));
        let list = list.as_array().unwrap().clone();
        if list.len() >= n {
            return list;
        }
        assert!(Instant::now() < deadline, "{n} notices never arrived");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn reads_audited(r: &Registry) -> i64 {
    audit_log::table
        .filter(audit_log::action.eq("notice.read"))
        .count()
        .get_result(&mut r.app.test_db().raw())
        .unwrap()
}

#[test]
fn the_inbox_marks_read_and_keeps_each_notice_to_its_owner() {
    let r = registry();
    let officer = r.officer("zz-food", "410100", &["food"]);
    let (ent, ent_token) = r.register(1, "410102", &["food"]);
    let (_, other_token) = r.register(2, "410102", &["food"]);
    r.blacklist(&officer, &r.colleague("zz-food"), ent);
    let notice = inbox(&r, &ent_token, 1)[0].clone();
    let id = notice["id"].as_i64().unwrap();
    let subject = notice["subject"].as_str().unwrap().to_owned();

    let me = Visitor::signed_in(&r.app, "ent1");
    let home = me.page("/portal");
    assert!(
        home.contains("id=\"unread-count\"") && home.contains("Unread notices: 1."),
        "{home}"
    );
    let list = me.page("/portal/notices");
    assert!(list.contains(&subject) && list.contains("class=\"unread\""));
    assert!(me.page("/portal/notices?unread=true").contains(&subject));

    // Another enterprise's user: not in their inbox, and the page does not exist for them.
    let other = Visitor::signed_in(&r.app, "ent2");
    assert!(!other.page("/portal/notices").contains(&subject));
    let refused = assert_refused_page(
        other
            .client
            .get(r.app.url(&format!("/portal/notices/{id}")))
            .send()
            .unwrap(),
        404,
        "not_found",
    );
    assert!(!refused.contains(&subject));
    assert_error(
        r.post(
            Some(&other_token),
            &format!("/api/v1/notices/{id}/read"),
            json!({}),
        ),
        404,
        "not_found",
    );
    assert_eq!(reads_audited(&r), 0);

    // Opening it marks it read, once.
    let page = me.page(&format!("/portal/notices/{id}"));
    assert!(page.contains(&subject) && page.contains("id=\"notice-body\""));
    assert!(
        page.contains("href=\"/blacklist\""),
        "the enterprise's link is the public list"
    );
    assert!(
        !page.contains("id=\"unread-count\""),
        "the count drops at once"
    );
    let read_at = body(r.get(&ent_token, "/api/v1/notices"))[0]["read_at"].clone();
    assert!(read_at.is_string(), "marked read: {read_at}");
    me.page(&format!("/portal/notices/{id}"));
    assert_eq!(reads_audited(&r), 1, "a second opening writes nothing");
    assert!(
        me.page("/portal/notices?unread=true")
            .contains("No notices.")
    );
    assert!(me.page("/portal").contains("Unread notices: 0."));

    // An officer's notice links to the listing's full record.
    let officer_inbox = inbox(&r, &officer, 1);
    let officer_visitor = Visitor::signed_in(&r.app, "zz-food");
    let page = officer_visitor.page(&format!(
        "/portal/notices/{}",
        officer_inbox[0]["id"].as_i64().unwrap()
    ));
    assert!(page.contains("href=\"/portal/blacklist/"), "{page}");
}

/// Raises a scan-limit alert in Zhengzhou (food), which notifies its officers.
fn raise(r: &Registry, n: u32) {
    let subject = format!("stamp:K7M3P9X2W4R8T{n}");
    r.app
        .state
        .db
        .transaction(|conn| {
            alerts::raise(
                conn,
                r.app.now(),
                &NewAlert {
                    kind: "stamp.scan_limit",
                    severity: Severity::Critical,
                    enterprise_id: None,
                    region_code: "410102",
                    category: Some(Category::Food),
                    company_prefix: "",
                    subject: &subject,
                    detail: json!({ "scans": 41 }),
                    dedupe_key: None,
                },
            )
        })
        .unwrap();
}

#[test]
fn the_next_notice_is_written_in_the_chosen_language() {
    let r = registry();
    let officer = r.officer("zz-food", "410100", &["food"]);
    let me = Visitor::signed_in(&r.app, "zz-food");
    raise(&r, 1);
    let first = inbox(&r, &officer, 1);
    assert_eq!(first[0]["locale"], "zh-CN", "the hub's default");
    assert!(first[0]["subject"].as_str().unwrap().contains("预警"));

    let account = me.page("/portal/account");
    assert!(account.contains("The hub's default (中文)"), "{account}");
    let refused = me.submit(
        "/portal/account",
        "/portal/account/locale",
        &[("locale", "fr")],
    );
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .unwrap()
            .contains("id=\"locale-locale-error\"")
    );
    let saved = me.submit(
        "/portal/account",
        "/portal/account/locale",
        &[("locale", "vi")],
    );
    assert_eq!(saved.status(), 303);
    assert_eq!(location(&saved), "/portal/account");
    let account = me.page("/portal/account");
    assert!(
        account.contains("<option value=\"vi\" selected>"),
        "{account}"
    );
    assert!(account.contains("Your next notices are written in this language."));

    raise(&r, 2);
    let second = inbox(&r, &officer, 2);
    assert_eq!(second[0]["locale"], "vi");
    let subject = second[0]["subject"].as_str().unwrap().to_owned();
    assert!(subject.contains("Cảnh báo"), "{subject}");
    assert_eq!(second[1]["locale"], "zh-CN", "the first stays as delivered");
    let page = me.page(&format!(
        "/portal/notices/{}",
        second[0]["id"].as_i64().unwrap()
    ));
    assert!(page.contains(&subject) && page.contains("lang=\"vi\""));

    // Back to the default: the field left empty.
    let reset = me.submit(
        "/portal/account",
        "/portal/account/locale",
        &[("locale", "")],
    );
    assert_eq!(reset.status(), 303);
    let me_id = body(r.get(&officer, "/api/v1/me"))["user_id"].clone();
    let user = body(r.get(&officer, &format!("/api/v1/users/{me_id}")));
    assert!(
        user["locale"].is_null() && user["username"] == "zz-food",
        "{user}"
    );
}

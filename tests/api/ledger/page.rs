//! The evidence ledger's schedule, and its page for customs over HTTP.

use std::time::{Duration, Instant};

use registry::ledger::{self, LeafInput, LeafKind};
use tracehub_tests::fixtures::Registry;
use tracehub_tests::portal::{Visitor, csrf_of, location};
use tracehub_tests::{TestApp, body};

use super::{enterprise, form, get, publish, sha256, upload};

#[test]
fn the_schedule_signs_a_head_when_the_log_grew() {
    let app = TestApp::spawn_with(|c| {
        c.jobs.ledger_publish = "* * * * * *".into();
        c.jobs.poll_interval_ms = 50;
    });
    let hash = sha256(b"scheduled");
    let input = LeafInput {
        sha256: &hash,
        kind: LeafKind::Document,
        filed_by: "x",
    };
    ledger::append(&mut app.test_db().db().conn().unwrap(), app.now(), &input).unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let response = get(&app, "/ledger/heads/latest");
        if response.status() == 200 {
            assert_eq!(body(response)["tree_size"], 1);
            break;
        }
        assert!(Instant::now() < deadline, "no head signed within 15 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    // Slots go by; the log did not grow, so no other head is signed.
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(
        body(get(&app, "/ledger/heads")).as_array().unwrap().len(),
        1
    );
}

#[test]
fn customs_drop_a_file_and_see_where_it_is_and_who_filed_it() {
    let r = Registry::new();
    let (id, token) = enterprise(&r, 2);
    let pdf = b"%PDF certificate of origin 2026-0042";
    upload(&r, id, &token, pdf);
    upload(&r, id, &token, b"%PDF another");
    let head = publish(&r.app);
    let hash = sha256(pdf);

    let visitor = Visitor::anonymous(&r.app);
    assert!(visitor.page("/portal/login").contains("href=\"/ledger\""));
    let form_page = visitor.page("/ledger");
    assert!(form_page.contains("name=\"sha256\"") && form_page.contains("type=\"file\""));
    assert!(form_page.contains("id=\"ledger-state\""));

    let found = visitor.page(&format!("/ledger?sha256={hash}"));
    for shown in [
        "data-found=\"true\"",
        "data-leaf-index=\"0\"",
        "data-verified=\"true\"",
        "企业2",
        head["root_hash"].as_str().unwrap(),
        head["signature"].as_str().unwrap(),
        &format!(
            "/ledger/proof/inclusion?leaf_index=0&amp;tree_size={}",
            head["tree_size"]
        ),
        "The proof leads from this document to the signed root",
    ] {
        assert!(found.contains(shown), "{shown} in {found}");
    }
    let (status, unknown) = visitor.get(&format!("/ledger?sha256={}", "0".repeat(64)));
    assert_eq!(status, 404);
    assert!(unknown.contains("data-found=\"false\"") && unknown.contains("Not in the ledger"));
    let (status, malformed) = visitor.get("/ledger?sha256=abc");
    assert_eq!(status, 422);
    assert!(
        malformed.contains("id=\"ledger-hash-sha256-error\""),
        "{malformed}"
    );

    // Dropping the file: hashed in the hub, not kept, shown by its hash.
    let csrf = csrf_of(&visitor.page("/ledger"));
    let (content_type, data) = form(&[("csrf_token", &csrf)], Some(pdf));
    let answer = visitor
        .client
        .post(r.app.url("/portal/ledger"))
        .header("content-type", &content_type)
        .body(data)
        .send()
        .unwrap();
    assert_eq!(
        (answer.status().as_u16(), location(&answer)),
        (303, format!("/ledger?sha256={hash}"))
    );
    let (content_type, data) = form(&[], Some(pdf));
    let refused = visitor
        .client
        .post(r.app.url("/portal/ledger"))
        .header("content-type", &content_type)
        .body(data)
        .send()
        .unwrap();
    assert_eq!(refused.status(), 403);

    // Filed after the last head: in the log, waiting for the next head.
    upload(&r, id, &token, b"%PDF late");
    let late = visitor.page(&format!("/ledger?sha256={}", sha256(b"%PDF late")));
    assert!(
        late.contains("id=\"ledger-pending\"") && late.contains("data-leaf-index=\"2\""),
        "{late}"
    );

    visitor
        .client
        .get(r.app.url("/portal/lang/zh-CN?next=/ledger"))
        .send()
        .unwrap();
    let chinese = visitor.page(&format!("/ledger?sha256={hash}"));
    assert!(
        chinese.contains("证据账本") && chinese.contains("提交者"),
        "{chinese}"
    );
    visitor
        .client
        .get(r.app.url("/portal/lang/vi?next=/ledger"))
        .send()
        .unwrap();
    assert!(visitor.page("/ledger").contains("Sổ cái chứng cứ"));
}

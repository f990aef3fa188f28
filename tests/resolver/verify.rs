//! Verification with the hidden code, over the JSON API and the resolver page's form: only an
//! activated, unrevoked anti-counterfeit stamp with its own code under its own key version is
//! genuine; wrong codes are limited per stamp and per client address.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use diesel::prelude::*;
use registry::schema::{stamp_verify_failures, stamps};
use serde_json::json;
use tracehub_tests::portal::{Visitor, csrf_of};
use tracehub_tests::stamps::{StampWorld, activated, alerts_of, json_of, link, wait_for_scans};
use tracehub_tests::{assert_error, body};

const KEY_1: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const KEY_2: &str = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";

#[test]
fn the_hidden_code_verifies_only_its_own_activated_stamp() {
    let w = StampWorld::new(|c| {
        c.stamps.hidden_code_keys = format!("1:{KEY_1},2:{KEY_2}");
        c.stamps.verify_max_failures_per_stamp = 3;
        c.stamps.verify_max_failures_per_client = 6;
    });
    let verify = |serial: &str, code: &str| {
        w.r.post(
            None,
            "/api/v1/public/stamps/verify",
            json!({ "serial": serial, "hidden_code": code }),
        )
    };
    let good = activated(&w, "anti_counterfeit");
    let code = good.code.clone().unwrap();
    // As printed: grouped, lower case.
    let typed = format!("{} {}", &code[..5], &code[5..]).to_lowercase();
    let r = body(verify(&good.serial.to_lowercase(), &typed));
    assert_eq!(
        (r["genuine"].clone(), r["verdict"].clone()),
        (json!(true), json!("genuine"))
    );
    assert_eq!(r["product"], "速冻水饺");
    assert_eq!(
        json_of(&w, &link(&good.serial))["stamp"]["verifiable"],
        true
    );

    // Not activated, revoked, a plain QR stamp: never genuine, even with the right code.
    let idle = w.issue("anti_counterfeit", 1).remove(0);
    let r = body(verify(&idle.serial, idle.code.as_deref().unwrap()));
    assert_eq!(
        (r["genuine"].clone(), r["reason"].clone()),
        (json!(false), json!("not_activated"))
    );
    let gone = activated(&w, "anti_counterfeit");
    w.revoke(&gone, "stolen roll");
    let r = body(verify(&gone.serial, gone.code.as_deref().unwrap()));
    assert_eq!(r["reason"], "revoked");
    let plain = activated(&w, "qr");
    assert_eq!(
        body(verify(&plain.serial, "ABCDEFGHJK"))["reason"],
        "no_hidden_code"
    );

    // Another stamp's code, and the right code under another key version, do not verify.
    let other = activated(&w, "anti_counterfeit");
    let r = body(verify(&other.serial, &code));
    assert_eq!(r["reason"], "wrong_code");
    diesel::update(stamps::table.find(&good.serial))
        .set(stamps::key_version.eq(1))
        .execute(&mut *w.r.app.test_db().db().conn().unwrap())
        .unwrap();
    assert_eq!(body(verify(&good.serial, &code))["reason"], "wrong_code");
    diesel::update(stamps::table.find(&good.serial))
        .set(stamps::key_version.eq(2))
        .execute(&mut *w.r.app.test_db().db().conn().unwrap())
        .unwrap();
    assert_eq!(body(verify(&good.serial, &code))["genuine"], true);
    assert_eq!(alerts_of(&w, "stamp_wrong_code").len(), 2, "one per stamp");

    // Per stamp: the third wrong code is the last; then even the right one waits.
    for _ in 0..2 {
        assert_eq!(
            body(verify(&good.serial, "2222222222"))["reason"],
            "wrong_code"
        );
    }
    let limited = assert_error(verify(&good.serial, &code), 429, "too_many_wrong_codes");
    assert_eq!(limited["field"], "serial");
    assert_eq!(alerts_of(&w, "stamp_wrong_code").len(), 2, "deduplicated");
    // Per client: two more wrong codes on fresh stamps reach six from this address.
    for _ in 0..2 {
        let s = activated(&w, "anti_counterfeit");
        assert_eq!(
            body(verify(&s.serial, "2222222222"))["reason"],
            "wrong_code"
        );
    }
    let s = activated(&w, "anti_counterfeit");
    let limited = assert_error(
        verify(&s.serial, s.code.as_deref().unwrap()),
        429,
        "too_many_wrong_codes",
    );
    assert_eq!(limited["field"], "client");
    let failures: i64 = stamp_verify_failures::table
        .count()
        .get_result(&mut *w.r.app.test_db().db().conn().unwrap())
        .unwrap();
    assert_eq!(failures, 6);

    // Bad input names the field.
    let bad = assert_error(verify("", "X"), 422, "invalid_serial");
    assert_eq!(bad["field"], "serial");
    let bad = assert_error(verify(&good.serial, " "), 422, "invalid_hidden_code");
    assert_eq!(bad["field"], "hidden_code");
    // Verifications are scans too.
    wait_for_scans(&w, 14);
}

#[test]
fn the_portal_verification_form_on_the_resolver_page() {
    let w = StampWorld::new(|_| {});
    let stamp = activated(&w, "anti_counterfeit");
    let visitor = Visitor::anonymous(&w.r.app);
    let page = visitor.page(&link(&stamp.serial));
    assert!(page.contains("action=\"/portal/stamps/verify\""));
    let token = csrf_of(&page);
    let response = visitor.post_without_token(
        "/portal/stamps/verify",
        &[
            ("serial", &stamp.serial),
            ("hidden_code", stamp.code.as_deref().unwrap()),
        ],
    );
    assert_eq!(response.status(), 403);
    let response = visitor.post_with_token(
        "/portal/stamps/verify",
        &token,
        &[
            ("serial", &stamp.serial),
            ("hidden_code", stamp.code.as_deref().unwrap()),
        ],
    );
    assert_eq!(response.status(), 200);
    let html = response.text().unwrap();
    assert!(html.contains("data-verdict=\"genuine\""), "{html}");
    let response = visitor.post_with_token(
        "/portal/stamps/verify",
        &token,
        &[("serial", &stamp.serial), ("hidden_code", "2222222222")],
    );
    assert!(
        response
            .text()
            .unwrap()
            .contains("data-verdict=\"not_genuine\"")
    );
    let response = visitor.post_with_token(
        "/portal/stamps/verify",
        &token,
        &[("serial", &stamp.serial), ("hidden_code", "")],
    );
    assert_eq!(response.status(), 422);
}

//! Stamp orders in the portal over HTTP, with real sessions and CSRF tokens: the competent
//! officer issues through the form (a quantity out of range next to its input; an enterprise
//! suspended or on the blacklist refused with the reason on the form, nothing written), lists
//! and reads the order; the enterprise activates a range on its batch (the resolver then says
//! active), the officer revokes a range (the resolver says revoked); the sheet downloads for
//! both (hidden codes on the issuing department's only); the wrong roles, other enterprises and
//! other departments are refused with pages; a post without its token is refused; an
//! enterprise suspended after issuance cannot activate.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use diesel::prelude::*;
use registry::schema::stamp_orders;
use registry::stamps::Serial;
use serde_json::{Value, json};
use tracehub_tests::body;
use tracehub_tests::fixtures::Registry;
use tracehub_tests::portal::{Visitor, assert_refused_page, csrf_of, location};
use tracehub_tests::stamps::pdf_text;

const GTIN13: &str = "6901234000016";
/// As the registry stores it.
const GTIN14: &str = "06901234000016";
const LOT: &str = "L20261101";

fn orders(r: &Registry) -> i64 {
    stamp_orders::table
        .count()
        .get_result(&mut r.app.test_db().raw())
        .unwrap()
}

fn id_of(response: reqwest::blocking::Response) -> i64 {
    let status = response.status();
    let json: Value = body(response);
    assert!(status.is_success(), "{json}");
    json["id"].as_i64().unwrap()
}

/// An approved food enterprise `n` in 410102 with a product of `gtin`: (id, token, product).
fn enterprise(r: &Registry, officer: &str, n: u32, gtin: &str) -> (i64, String, i64) {
    let (ent, token) = r.register(n, "410102", &["food"]);
    r.approve(officer, ent);
    let product = id_of(r.post(
        Some(&token),
        &format!("/api/v1/enterprises/{ent}/products"),
        json!({ "gtin": gtin, "name": format!("速冻水饺{n}"), "category": "food" }),
    ));
    (ent, token, product)
}

/// The issue form's fields.
fn issue<'a>(ent: &'a str, product: &'a str, quantity: &'a str) -> [(&'static str, &'a str); 4] {
    [
        ("enterprise_id", ent),
        ("product_id", product),
        ("quantity", quantity),
        ("kind", "qr"),
    ]
}

/// The serial of stamp `seq` on an order's page.
fn serial_on(page: &str, seq: i64) -> String {
    page.split(&format!("data-seq=\"{seq}\" data-serial=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no stamp {seq} on the page: {page}"))
        .to_owned()
}

/// The resolver's verdict on `serial` under the product's GTIN.
fn verdict(r: &Registry, serial: &str) -> String {
    let answer = r
        .app
        .client()
        .get(r.app.url(&format!("/01/{GTIN13}/21/{serial}")))
        .header("accept", "application/json")
        .send()
        .unwrap();
    body(answer)["verdict"].as_str().unwrap().to_owned()
}

/// The text of the element with `id`.
fn count_of(page: &str, id: &str) -> String {
    page.split(&format!("id=\"{id}\">"))
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("no #{id}: {page}"))
        .to_owned()
}

#[test]
fn issue_activate_and_revoke_through_the_forms() {
    let r = Registry::new();
    let officer_token = r.officer("zz-food", "410100", &["food"]);
    r.officer("ly-food", "410300", &["food"]);
    let (ent, token, milk) = enterprise(&r, &officer_token, 1, GTIN13);
    let (suspended, _, suspended_milk) = enterprise(&r, &officer_token, 2, "6901234000023");
    let (listed, _, listed_milk) = enterprise(&r, &officer_token, 3, "6901234000030");
    let lot = id_of(r.post(
        Some(&token),
        &format!("/api/v1/enterprises/{ent}/batches"),
        json!({ "product_id": milk, "lot": LOT, "production_date": "2026-11-01", "quantity": 100.0, "unit": "box" }),
    ));
    assert_eq!(
        r.post(
            Some(&officer_token),
            &format!("/api/v1/enterprises/{suspended}/suspend"),
            json!({ "reason": "抽检不合格" })
        )
        .status(),
        200
    );
    r.blacklist(&officer_token, &r.colleague("zz-food"), listed);

    let officer = Visitor::signed_in(&r.app, "zz-food");
    let stranger = Visitor::signed_in(&r.app, "ly-food");
    let mine = Visitor::signed_in(&r.app, "ent1");
    let other = Visitor::signed_in(&r.app, "ent2");
    assert!(
        officer
            .page("/portal")
            .contains("href=\"/portal/stamp-orders\"")
    );
    assert!(
        mine.page("/portal")
            .contains("href=\"/portal/stamp-orders\"")
    );

    // The form: active enterprises of the jurisdiction to choose from, then the products of
    // the chosen one; the dashboard links to it.
    let new = "/portal/stamp-orders/new";
    let chooser = officer.page(new);
    assert!(
        chooser.contains("企业1") && chooser.contains("企业3"),
        "{chooser}"
    );
    assert!(
        !chooser.contains("企业2"),
        "a suspended enterprise is not offered"
    );
    let form_path = format!("{new}?enterprise_id={ent}");
    assert!(
        officer
            .page(&format!("/portal/enterprises/{ent}"))
            .contains(&format!("href=\"{form_path}\""))
    );
    let form = officer.page(&form_path);
    assert!(
        form.contains("id=\"issue\"") && form.contains("速冻水饺1 (06901234000016)"),
        "{form}"
    );

    // Refused before anything is written: no token, the wrong role, another jurisdiction.
    let (e, m) = (ent.to_string(), milk.to_string());
    assert_refused_page(
        officer.post_without_token("/portal/stamp-orders", &issue(&e, &m, "10")),
        403,
        "csrf_missing",
    );
    let token_of_mine = csrf_of(&mine.page("/portal/stamp-orders"));
    assert_refused_page(
        mine.post_with_token("/portal/stamp-orders", &token_of_mine, &issue(&e, &m, "10")),
        403,
        "forbidden",
    );
    assert_refused_page(
        stranger.submit(
            "/portal/stamp-orders",
            "/portal/stamp-orders",
            &issue(&e, &m, "10"),
        ),
        403,
        "outside_jurisdiction",
    );

    // A quantity out of range, next to its input, with what was typed.
    let too_many = officer.submit(
        &form_path,
        "/portal/stamp-orders",
        &issue(&e, &m, "1000001"),
    );
    assert_eq!(too_many.status(), 422);
    let shown = too_many.text().unwrap();
    assert!(
        shown.contains("id=\"issue-quantity-error\"") && shown.contains("value=\"1000001\""),
        "{shown}"
    );
    assert!(shown.contains("at most 1,000,000 stamps"), "{shown}");

    // Suspended and blacklisted enterprises: the reason on the form, nothing written.
    let (s, sm) = (suspended.to_string(), suspended_milk.to_string());
    let refused = officer.submit(&form_path, "/portal/stamp-orders", &issue(&s, &sm, "10"));
    assert_eq!(refused.status(), 409);
    let shown = refused.text().unwrap();
    assert!(
        shown.contains("The enterprise is suspended: it gets no stamps.")
            && shown.contains("id=\"issue-enterprise_id-error\""),
        "{shown}"
    );
    let (l, lm) = (listed.to_string(), listed_milk.to_string());
    let refused = officer.submit(&form_path, "/portal/stamp-orders", &issue(&l, &lm, "10"));
    assert_eq!(refused.status(), 409);
    assert!(
        refused
            .text()
            .unwrap()
            .contains("The enterprise is on the blacklist: it gets no stamps.")
    );
    assert_eq!((orders(&r), r.audited("stamps.issue").len()), (0, 0));

    // Issued: to the order's page with the flash; listed; audited once.
    let issued = officer.submit(&form_path, "/portal/stamp-orders", &issue(&e, &m, "20"));
    assert_eq!(issued.status(), 303);
    let order = location(&issued);
    let id: i64 = order.rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(r.audited("stamps.issue").len(), 1);
    let page = officer.page(&order);
    assert!(page.contains("Stamps issued.") && page.contains("id=\"revoke\""));
    assert!(
        !page.contains("id=\"activate\""),
        "officers do not activate"
    );
    assert_eq!(count_of(&page, "count-issued"), "20");
    let list = officer.page("/portal/stamp-orders");
    assert!(
        list.contains(&format!("data-order=\"{id}\"")) && list.contains("企业1"),
        "{list}"
    );
    assert!(list.contains(GTIN14) && list.contains("QR stamp"));
    assert!(
        mine.page("/portal/stamp-orders")
            .contains(&format!("data-order=\"{id}\""))
    );
    assert!(!other.page("/portal/stamp-orders").contains("data-order="));
    assert!(
        !stranger
            .page("/portal/stamp-orders")
            .contains("data-order=")
    );

    // Reads: another enterprise 404, another department 403, pages as pages.
    assert_refused_page(
        other.client.get(r.app.url(&order)).send().unwrap(),
        404,
        "not_found",
    );
    assert_refused_page(
        stranger.client.get(r.app.url(&order)).send().unwrap(),
        403,
        "outside_jurisdiction",
    );
    let sheet = format!("{order}/sheet.pdf");
    for reader in [&officer, &mine] {
        let pdf = reader.client.get(r.app.url(&sheet)).send().unwrap();
        assert_eq!(pdf.status(), 200);
        assert_eq!(pdf.headers()["content-type"], "application/pdf");
        assert!(pdf.bytes().unwrap().starts_with(b"%PDF"));
    }
    assert_refused_page(
        other.client.get(r.app.url(&sheet)).send().unwrap(),
        404,
        "not_found",
    );

    // The enterprise activates stamps 1 to 5 on its batch: the resolver says active.
    let page = mine.page(&order);
    assert!(page.contains("id=\"activate\"") && page.contains(LOT));
    assert!(!page.contains("id=\"revoke\""), "enterprises do not revoke");
    let first = serial_on(&page, 1);
    let sixth = serial_on(&page, 6);
    assert_eq!(verdict(&r, &first), "not_activated");
    let activate = format!("{order}/activate");
    let lot = lot.to_string();
    let range = |first: &'static str, last: &'static str| {
        vec![
            ("batch_id", lot.clone()),
            ("first_seq", first.to_owned()),
            ("last_seq", last.to_owned()),
        ]
    };
    let post = |who: &Visitor<'_>, action: &str, pairs: Vec<(&'static str, String)>| {
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        who.submit(&order, action, &borrowed)
    };
    let bad = post(&mine, &activate, range("0", "5"));
    assert_eq!(bad.status(), 422);
    assert!(
        bad.text()
            .unwrap()
            .contains("id=\"activate-first_seq-error\"")
    );
    let token = csrf_of(&officer.page(&order));
    assert_refused_page(
        officer.post_with_token(&activate, &token, &[("batch_id", lot.as_str())]),
        403,
        "forbidden",
    );
    assert_refused_page(
        mine.post_without_token(&activate, &[("batch_id", lot.as_str())]),
        403,
        "csrf_missing",
    );
    assert_eq!(r.audited("stamps.activate").len(), 0);
    let done = post(&mine, &activate, range("1", "5"));
    assert_eq!(done.status(), 303);
    let page = mine.page(&location(&done));
    assert!(page.contains("Stamps activated."));
    assert_eq!(count_of(&page, "count-activated"), "5");
    assert_eq!(r.audited("stamps.activate").len(), 1);
    assert_eq!(verdict(&r, &first), "active");
    assert_eq!(verdict(&r, &sixth), "not_activated");
    let again = post(&mine, &activate, range("5", "6"));
    assert_eq!(again.status(), 409);
    assert!(again.text().unwrap().contains("already activated"));

    // The issuing department revokes stamps 1 and 2 with a reason: the resolver says revoked.
    let revoke = format!("{order}/revoke");
    let reasonless = post(&officer, &revoke, vec![("reason", " ".into())]);
    assert_eq!(reasonless.status(), 422);
    assert!(
        reasonless
            .text()
            .unwrap()
            .contains("id=\"revoke-reason-error\"")
    );
    let token = csrf_of(&mine.page(&order));
    assert_refused_page(
        mine.post_with_token(&revoke, &token, &[("reason", "x")]),
        403,
        "forbidden",
    );
    let token = csrf_of(&stranger.page("/portal/stamp-orders"));
    assert_refused_page(
        stranger.post_with_token(&revoke, &token, &[("reason", "x")]),
        403,
        "not_issuing_department",
    );
    assert_eq!(r.audited("stamps.revoke").len(), 0);
    let revoked = post(
        &officer,
        &revoke,
        vec![
            ("reason", "印刷错误".into()),
            ("first_seq", "1".into()),
            ("last_seq", "2".into()),
        ],
    );
    assert_eq!(revoked.status(), 303);
    let page = officer.page(&order);
    assert!(page.contains("Stamps revoked."));
    assert_eq!(count_of(&page, "count-revoked"), "2");
    assert_eq!(r.audited("stamps.revoke").len(), 1);
    assert_eq!(verdict(&r, &first), "revoked");

    // Suspended after issuance, the enterprise cannot activate the rest.
    assert_eq!(
        r.post(
            Some(&officer_token),
            &format!("/api/v1/enterprises/{ent}/suspend"),
            json!({ "reason": "抽检不合格" })
        )
        .status(),
        200
    );
    let refused = post(&mine, &activate, range("6", "10"));
    assert_eq!(refused.status(), 409);
    assert!(
        refused
            .text()
            .unwrap()
            .contains("The enterprise is suspended"),
    );
    assert_eq!(verdict(&r, &sixth), "not_activated");
    assert_eq!(r.audited("stamps.activate").len(), 1);

    // The same pages in the other languages.
    mine.client
        .get(r.app.url("/portal/lang/zh-CN"))
        .send()
        .unwrap();
    let chinese = mine.page(&order);
    assert!(
        chinese.contains("标签订单") && chinese.contains("已注销"),
        "{chinese}"
    );
    mine.client
        .get(r.app.url("/portal/lang/vi"))
        .send()
        .unwrap();
    assert!(mine.page("/portal/stamp-orders").contains("Tem truy xuất"));
}

#[test]
fn the_sheet_prints_hidden_codes_for_the_issuing_department_only() {
    let r = Registry::new();
    let officer_token = r.officer("zz-food", "410100", &["food"]);
    r.officer("zz-food-city", "410000", &["food"]);
    let (ent, _, milk) = enterprise(&r, &officer_token, 1, GTIN13);
    let officer = Visitor::signed_in(&r.app, "zz-food");
    let colleague = Visitor::signed_in(&r.app, "zz-food-city");
    let mine = Visitor::signed_in(&r.app, "ent1");
    let form_path = format!("/portal/stamp-orders/new?enterprise_id={ent}");
    let (e, m) = (ent.to_string(), milk.to_string());
    let fields = [
        ("enterprise_id", e.as_str()),
        ("product_id", m.as_str()),
        ("quantity", "3"),
        ("kind", "anti_counterfeit"),
    ];
    let issued = officer.submit(&form_path, "/portal/stamp-orders", &fields);
    assert_eq!(issued.status(), 303);
    let order = location(&issued);
    let page = officer.page(&order);
    assert!(page.contains("Anti-counterfeit stamp") && page.contains("includes the hidden codes"));
    assert!(!mine.page(&order).contains("includes the hidden codes"));

    let serial = Serial::parse(&serial_on(&page, 1)).unwrap();
    let ring = r.app.state.stamp_keys.clone().unwrap();
    let version = ring.current_version();
    let grouped = ring.hidden_code(version, &serial).unwrap().grouped();
    let sheet = |who: &Visitor<'_>| {
        let pdf = who
            .client
            .get(r.app.url(&format!("{order}/sheet.pdf")))
            .send()
            .unwrap();
        assert_eq!(pdf.status(), 200);
        pdf_text(&pdf.bytes().unwrap())
    };
    let issuing = sheet(&officer);
    assert!(issuing.contains(serial.as_str()) && issuing.contains(&grouped));
    for other in [&mine, &colleague] {
        let text = sheet(other);
        assert!(text.contains(serial.as_str()), "the QR layer for everyone");
        assert!(
            !text.contains(&grouped),
            "hidden codes for the issuing department only"
        );
    }
}

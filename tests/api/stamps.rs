//! Stamps over HTTP: issuance by the competent department (refused for blacklisted, suspended
//! and pending enterprises), the scoped reads, activation by the enterprise on its own batches
//! of the same product (refused once it is listed on the blacklist), revocation by the issuing
//! department, the audit rows, and printing
//! (the PDF sheet with hidden codes only for the issuing department, QR SVG and PNG).

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use registry::stamps::Serial;
use serde_json::{Value, json};
use tracehub_tests::fixtures::Registry;
use tracehub_tests::stamps::pdf_text;
use tracehub_tests::{assert_error, body};

const MILK: &str = "6901234000016";
const CHEESE: &str = "6901234000023";

/// An approved food enterprise `n` in 410102 with a product, and its token and product id.
fn enterprise(r: &Registry, officer: &str, n: u32, gtin: &str) -> (i64, String, i64) {
    let (ent, token) = r.register(n, "410102", &["food"]);
    r.approve(officer, ent);
    let product = body(r.post(
        Some(&token),
        &format!("/api/v1/enterprises/{ent}/products"),
        json!({ "gtin": gtin, "name": "纯牛奶", "category": "food" }),
    ));
    (ent, token, product["id"].as_i64().unwrap())
}

fn batch(r: &Registry, token: &str, ent: i64, product: i64, lot: &str) -> i64 {
    let made = body(r.post(
        Some(token),
        &format!("/api/v1/enterprises/{ent}/batches"),
        json!({ "product_id": product, "lot": lot, "production_date": "2026-11-01", "quantity": 100.0, "unit": "box" }),
    ));
    made["id"].as_i64().unwrap_or_else(|| panic!("{made}"))
}

fn order(ent: i64, product: i64, quantity: i64, kind: &str) -> Value {
    json!({ "enterprise_id": ent, "product_id": product, "quantity": quantity, "kind": kind })
}

#[test]
fn issue_refusals_reads_activation_and_revocation() {
    let r = Registry::new();
    let officer = r.officer("zz-food", "410100", &["food"]);
    let elsewhere = r.officer("ly-food", "410300", &["food"]);
    let second = r.colleague("zz-food");
    let (ent, ent_token, milk) = enterprise(&r, &officer, 1, MILK);
    let (other, other_token, other_milk) = enterprise(&r, &officer, 2, "6901234000030");
    let other_lot = batch(&r, &other_token, other, other_milk, "O1");

    // Who may issue, and to whom.
    assert_error(
        r.post(
            Some(&ent_token),
            "/api/v1/stamp-orders",
            order(ent, milk, 10, "qr"),
        ),
        403,
        "forbidden",
    );
    assert_error(
        r.post(
            Some(&elsewhere),
            "/api/v1/stamp-orders",
            order(ent, milk, 10, "qr"),
        ),
        403,
        "outside_jurisdiction",
    );
    let bad = assert_error(
        r.post(
            Some(&officer),
            "/api/v1/stamp-orders",
            order(ent, milk, 1_000_001, "qr"),
        ),
        422,
        "invalid_quantity",
    );
    assert_eq!(bad["field"], "quantity");
    assert_error(
        r.post(
            Some(&officer),
            "/api/v1/stamp-orders",
            order(ent, other_milk, 10, "qr"),
        ),
        422,
        "unknown_product",
    );

    let (pending, _) = r.register(3, "410102", &["food"]);
    assert_error(
        r.post(
            Some(&officer),
            "/api/v1/stamp-orders",
            order(pending, milk, 10, "qr"),
        ),
        409,
        "enterprise_not_active",
    );
    assert_eq!(
        r.post(
            Some(&officer),
            &format!("/api/v1/enterprises/{other}/suspend"),
            json!({ "reason": "抽检不合格" })
        )
        .status(),
        200
    );
    assert_error(
        r.post(
            Some(&officer),
            "/api/v1/stamp-orders",
            order(other, other_milk, 10, "qr"),
        ),
        409,
        "enterprise_suspended",
    );
    let (listed, _, listed_milk) = enterprise(&r, &officer, 4, "6901234000047");
    r.blacklist(&officer, &second, listed);
    assert_error(
        r.post(
            Some(&officer),
            "/api/v1/stamp-orders",
            order(listed, listed_milk, 10, "qr"),
        ),
        409,
        "enterprise_blacklisted",
    );
    assert_eq!(r.audited("stamps.issue").len(), 0);

    // Issue, then read within scope.
    let created = r.post(
        Some(&officer),
        "/api/v1/stamp-orders",
        order(ent, milk, 50, "qr"),
    );
    assert_eq!(created.status(), 201);
    let created = body(created);
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        (created["issued"].as_i64(), created["activated"].as_i64()),
        (Some(50), Some(0))
    );
    assert_eq!(r.audited("stamps.issue").len(), 1);
    let mine = body(r.get(&ent_token, "/api/v1/stamp-orders"));
    assert_eq!(mine["total"], 1);
    assert_eq!(
        body(r.get(&other_token, "/api/v1/stamp-orders"))["total"],
        0
    );
    assert_eq!(body(r.get(&elsewhere, "/api/v1/stamp-orders"))["total"], 0);
    assert_error(
        r.get(&other_token, &format!("/api/v1/stamp-orders/{id}")),
        404,
        "not_found",
    );
    assert_error(
        r.get(&elsewhere, &format!("/api/v1/stamp-orders/{id}")),
        403,
        "outside_jurisdiction",
    );
    let page = body(r.get(
        &ent_token,
        &format!("/api/v1/stamp-orders/{id}/stamps?per_page=50"),
    ));
    let serials: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["serial"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(serials.len(), 50);
    assert!(page["items"][0].get("hidden_code").is_none());
    assert!(serials.iter().all(|s| Serial::parse(s).is_ok()));

    // Activation: own batch of the same product only; a conflicting range refuses wholly.
    let lot = batch(&r, &ent_token, ent, milk, "L20261101");
    let cheese = body(r.post(
        Some(&ent_token),
        &format!("/api/v1/enterprises/{ent}/products"),
        json!({ "gtin": CHEESE, "name": "奶酪", "category": "food" }),
    ))["id"]
        .as_i64()
        .unwrap();
    let cheese_lot = batch(&r, &ent_token, ent, cheese, "C1");
    let activate = format!("/api/v1/stamp-orders/{id}/activate");
    assert_error(
        r.post(Some(&officer), &activate, json!({ "batch_id": lot })),
        403,
        "forbidden",
    );
    assert_error(
        r.post(
            Some(&other_token),
            &activate,
            json!({ "batch_id": other_lot }),
        ),
        404,
        "not_found",
    );
    assert_error(
        r.post(
            Some(&ent_token),
            &activate,
            json!({ "batch_id": other_lot }),
        ),
        409,
        "batch_not_own",
    );
    assert_error(
        r.post(
            Some(&ent_token),
            &activate,
            json!({ "batch_id": cheese_lot }),
        ),
        409,
        "batch_other_product",
    );
    let bad = assert_error(
        r.post(
            Some(&ent_token),
            &activate,
            json!({ "batch_id": lot, "first_seq": 0 }),
        ),
        422,
        "invalid_range",
    );
    assert_eq!(bad["field"], "first_seq");
    let one = r.post(
        Some(&ent_token),
        &format!("/api/v1/stamps/{}/activate", serials[9]),
        json!({ "batch_id": lot }),
    );
    assert_eq!(one.status(), 200);
    let refused = assert_error(
        r.post(
            Some(&ent_token),
            &activate,
            json!({ "batch_id": lot, "first_seq": 1, "last_seq": 20 }),
        ),
        409,
        "stamp_already_activated",
    );
    assert!(
        refused["message"].as_str().unwrap().contains(&serials[9]),
        "{refused}"
    );
    let summary = body(r.get(&ent_token, &format!("/api/v1/stamp-orders/{id}")));
    assert_eq!(summary["activated"], 1);
    let done = body(r.post(
        Some(&ent_token),
        &activate,
        json!({ "batch_id": lot, "first_seq": 11, "last_seq": 30 }),
    ));
    assert_eq!(
        (done["activated"].as_i64(), done["lot"].as_str()),
        (Some(20), Some("L20261101"))
    );
    assert_eq!(r.audited("stamps.activate").len(), 2);

    // Revocation: the issuing department only, idempotent per stamp.
    let revoke = format!("/api/v1/stamp-orders/{id}/revoke");
    assert_error(
        r.post(Some(&ent_token), &revoke, json!({ "reason": "x" })),
        403,
        "forbidden",
    );
    assert_error(
        r.post(Some(&elsewhere), &revoke, json!({ "reason": "x" })),
        403,
        "not_issuing_department",
    );
    assert_eq!(
        assert_error(
            r.post(Some(&officer), &revoke, json!({ "reason": "" })),
            422,
            "invalid_text"
        )["field"],
        "reason"
    );
    let first = body(r.post(
        Some(&officer),
        &revoke,
        json!({ "reason": "印刷错误", "first_seq": 25, "last_seq": 40 }),
    ));
    assert_eq!(
        (first["revoked"].as_i64(), first["already_revoked"].as_i64()),
        (Some(16), Some(0))
    );
    let single = body(r.post(
        Some(&officer),
        &format!("/api/v1/stamps/{}/revoke", serials[30]),
        json!({ "reason": "again" }),
    ));
    assert_eq!(
        (
            single["revoked"].as_i64(),
            single["already_revoked"].as_i64()
        ),
        (Some(0), Some(1))
    );
    assert_error(
        r.post(
            Some(&ent_token),
            &activate,
            json!({ "batch_id": lot, "first_seq": 31, "last_seq": 50 }),
        ),
        409,
        "stamp_revoked",
    );
    let summary = body(r.get(&officer, &format!("/api/v1/stamp-orders/{id}")));
    assert_eq!(
        (summary["activated"].as_i64(), summary["revoked"].as_i64()),
        (Some(21), Some(16))
    );
    assert_eq!(r.audited("stamps.revoke").len(), 2);
    let states = body(r.get(
        &officer,
        &format!("/api/v1/stamp-orders/{id}/stamps?page=2&per_page=10"),
    ));
    assert_eq!(states["items"][0]["seq"], 11);
    assert_eq!(states["items"][0]["state"], "active");

    // Listed on the blacklist after issuance, the enterprise cannot put its stamps into use.
    r.blacklist(&officer, &second, ent);
    assert_error(
        r.post(
            Some(&ent_token),
            &activate,
            json!({ "batch_id": lot, "first_seq": 41, "last_seq": 50 }),
        ),
        409,
        "enterprise_blacklisted",
    );
    assert_error(
        r.post(
            Some(&ent_token),
            &format!("/api/v1/stamps/{}/activate", serials[45]),
            json!({ "batch_id": lot }),
        ),
        409,
        "enterprise_blacklisted",
    );
    assert_eq!(r.audited("stamps.activate").len(), 2);
}

#[test]
fn sheets_and_qr_codes() {
    let r = Registry::new();
    let officer = r.officer("zz-food", "410100", &["food"]);
    let colleague_dept = r.officer("zz-food-city", "410000", &["food"]);
    let (ent, ent_token, milk) = enterprise(&r, &officer, 1, MILK);
    let (_, other_token, _) = enterprise(&r, &officer, 2, "6901234000030");
    let created = body(r.post(
        Some(&officer),
        "/api/v1/stamp-orders",
        order(ent, milk, 40, "anti_counterfeit"),
    ));
    let id = created["id"].as_i64().unwrap();
    let sheet = format!("/api/v1/stamp-orders/{id}/sheet.pdf");

    for (query, field) in [
        ("columns=0", "columns"),
        ("rows=31", "rows"),
        ("label_mm=5", "label_mm"),
        ("columns=20&label_mm=50", "label_mm"),
    ] {
        let bad = assert_error(
            r.get(&officer, &format!("{sheet}?{query}")),
            422,
            "invalid_layout",
        );
        assert_eq!(bad["field"], field, "{query}");
    }
    assert_error(r.get(&other_token, &sheet), 404, "not_found");

    let fetch = |token: &str, query: &str| {
        let response = r.get(token, &format!("{sheet}{query}"));
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        response.bytes().unwrap().to_vec()
    };
    let issuing = fetch(&officer, "?columns=4&rows=5&label_mm=40");
    let enterprise_copy = fetch(&ent_token, "?columns=4&rows=5&label_mm=40");
    let colleague = fetch(&colleague_dept, "?columns=4&rows=5&label_mm=40");
    for pdf in [&issuing, &enterprise_copy, &colleague] {
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.ends_with(b"%%EOF\n") || pdf.ends_with(b"%%EOF"));
        // 40 labels at 20 a page.
        assert_eq!(
            String::from_utf8_lossy(pdf).matches("/Type /Page ").count()
                + String::from_utf8_lossy(pdf)
                    .matches("/Type /Page\n")
                    .count()
                + String::from_utf8_lossy(pdf).matches("/Type /Page>").count(),
            2
        );
    }

    // The hidden code of each stamp is on the issuing department's sheet only, and verifies.
    let ring = r.app.state.stamp_keys.clone().unwrap();
    let page = body(r.get(
        &officer,
        &format!("/api/v1/stamp-orders/{id}/stamps?per_page=40"),
    ));
    let first = &page["items"][0];
    let serial = Serial::parse(first["serial"].as_str().unwrap()).unwrap();
    let version = u16::try_from(first["key_version"].as_i64().unwrap()).unwrap();
    let code = ring.hidden_code(version, &serial).unwrap();
    assert!(ring.verify(version, &serial, code.as_str()).unwrap());
    let grouped = code.grouped();
    assert!(
        pdf_text(&issuing).contains(&grouped),
        "hidden code missing on the issuing sheet"
    );
    assert!(pdf_text(&issuing).contains(serial.as_str()));
    for other in [&enterprise_copy, &colleague] {
        let text = pdf_text(other);
        assert!(text.contains(serial.as_str()));
        assert!(
            !text.contains(&grouped),
            "hidden code printed for someone else"
        );
    }
    if std::process::Command::new("pdfinfo")
        .arg("-v")
        .output()
        .is_ok()
    {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sheet.pdf");
        std::fs::write(&path, &issuing).unwrap();
        let out = std::process::Command::new("pdfinfo")
            .arg(&path)
            .output()
            .unwrap();
        let info = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && info.contains("Pages:           2"),
            "{info}"
        );
    }

    // QR codes, within the order's scope.
    let svg = r.get(&ent_token, &format!("/api/v1/stamps/{serial}/qr.svg"));
    assert_eq!(svg.status(), 200);
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().unwrap().contains("<svg"));
    let png = r.get(&officer, &format!("/api/v1/stamps/{serial}/qr.png"));
    assert_eq!(png.status(), 200);
    assert!(png.bytes().unwrap().starts_with(b"\x89PNG"));
    assert_error(
        r.get(&other_token, &format!("/api/v1/stamps/{serial}/qr.svg")),
        404,
        "not_found",
    );
    assert_error(
        r.get(&ent_token, "/api/v1/stamps/NOSUCHSERIAL22/qr.png"),
        404,
        "not_found",
    );
}

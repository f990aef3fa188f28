//! Filing over HTTP: sites, products and batches, only by an active enterprise for itself.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use registry::identity::{self, Scope};
use serde_json::{Value, json};
use tracehub_tests::fixtures::{Registry, registration};
use tracehub_tests::{assert_error, body};

#[test]
fn only_an_active_enterprise_files_and_keys_are_validated() {
    let r = Registry::new();
    let mut new = registration(1, "410102", &["food"]);
    new["company_prefix"] = json!("6901234");
    assert_eq!(r.post(None, "/api/v1/enterprises", new).status(), 201);
    let user =
        identity::find_user_by_name(&mut r.app.test_db().db().conn().unwrap(), "ent1").unwrap();
    let ent = r.app.token_for(&user, &[Scope::Read, Scope::Write]);
    let id = user.enterprise_id.unwrap();
    let (other, ent2) = r.register(2, "410102", &["food"]);
    let officer = r.officer("zz-officer", "410100", &["food"]);
    let base = format!("/api/v1/enterprises/{id}");
    let product = json!({ "gtin": "6901234000016", "name": "速冻水饺", "category": "food", "specification": "500 g", "shelf_life_days": 180, "target_markets": ["CN", "VN"] });

    let error = assert_error(
        r.post(Some(&ent), &format!("{base}/products"), product.clone()),
        409,
        "enterprise_not_active",
    );
    assert!(error["message"].as_str().unwrap().contains("pending"));

    // Sites belong to the registration: allowed before approval, GLN checked.
    let site = json!({ "name": "一号工厂", "kind": "factory", "gln": "6901234000017", "address": "郑州", "latitude": 34.75, "longitude": 113.62 });
    let error = assert_error(
        r.post(Some(&ent), &format!("{base}/sites"), site.clone()),
        422,
        "invalid_gln",
    );
    assert_eq!(error["field"], "gln");
    let mut site = site;
    site["gln"] = json!("6901234000108");
    let site_id = body(r.post(Some(&ent), &format!("{base}/sites"), site.clone()))
        .get("id")
        .and_then(Value::as_i64)
        .unwrap();
    assert_error(
        r.post(Some(&ent), &format!("{base}/sites"), site),
        409,
        "gln_taken",
    );
    assert_eq!(
        body(r.post(Some(&officer), &format!("{base}/approve"), json!({})))["status"],
        "active"
    );

    let mut bad = product.clone();
    bad["gtin"] = json!("6901234000017");
    assert_eq!(
        assert_error(
            r.post(Some(&ent), &format!("{base}/products"), bad),
            422,
            "invalid_gtin"
        )["field"],
        "gtin"
    );
    let mut bad = product.clone();
    bad["gtin"] = json!("6909999000012");
    assert_eq!(
        assert_error(
            r.post(Some(&ent), &format!("{base}/products"), bad),
            422,
            "gtin_not_yours"
        )["field"],
        "gtin"
    );
    let mut bad = product.clone();
    bad["category"] = json!("drugs");
    assert_eq!(
        assert_error(
            r.post(Some(&ent), &format!("{base}/products"), bad),
            422,
            "category_not_registered"
        )["field"],
        "category"
    );
    let mut bad = product.clone();
    bad["target_markets"] = json!(["CN", "XX"]);
    assert_eq!(
        assert_error(
            r.post(Some(&ent), &format!("{base}/products"), bad),
            422,
            "invalid_country"
        )["field"],
        "target_markets[1]"
    );
    assert_error(
        r.post(Some(&ent2), &format!("{base}/products"), product.clone()),
        404,
        "not_found",
    );

    let created = body(r.post(Some(&ent), &format!("{base}/products"), product.clone()));
    assert_eq!(created["gtin"], "06901234000016");
    assert_eq!(created["company_prefix"], "6901234");
    let product_id = created["id"].as_i64().unwrap();
    assert_error(
        r.post(Some(&ent), &format!("{base}/products"), product),
        409,
        "gtin_taken",
    );

    // Batches, with lineage; the expiry defaults to production + shelf life.
    let raw = json!({ "product_id": product_id, "lot": "RAW-1", "production_date": "2026-11-01", "quantity": 100.0, "unit": "kg", "site_id": site_id });
    let raw = body(r.post(Some(&ent), &format!("{base}/batches"), raw));
    assert_eq!(raw["expiry_date"], "2027-04-30");
    assert_eq!(raw["company_prefix"], "6901234");
    let raw_id = raw["id"].as_i64().unwrap();
    let lot = |lot: &str, inputs: Value| json!({ "product_id": product_id, "lot": lot, "production_date": "2026-11-02", "quantity": 2000, "unit": "box", "inputs": inputs });
    assert_eq!(
        assert_error(
            r.post(
                Some(&ent),
                &format!("{base}/batches"),
                lot("L 1", json!([]))
            ),
            422,
            "invalid_lot"
        )["field"],
        "lot"
    );
    assert_eq!(
        assert_error(
            r.post(
                Some(&ent),
                &format!("{base}/batches"),
                lot("L1", json!([999_999]))
            ),
            422,
            "unknown_batch"
        )["field"],
        "inputs[0]"
    );
    let mut bad = lot("L1", json!([]));
    bad["quantity"] = json!(0);
    assert_eq!(
        assert_error(
            r.post(Some(&ent), &format!("{base}/batches"), bad),
            422,
            "invalid_quantity"
        )["field"],
        "quantity"
    );
    let mut bad = lot("L1", json!([]));
    bad["product_id"] = json!(999_999);
    assert_eq!(
        assert_error(
            r.post(Some(&ent), &format!("{base}/batches"), bad),
            422,
            "unknown_product"
        )["field"],
        "product_id"
    );
    let made = body(r.post(
        Some(&ent),
        &format!("{base}/batches"),
        lot("L1", json!([raw_id, raw_id])),
    ));
    assert_eq!(made["inputs"], json!([raw_id]));
    assert_error(
        r.post(Some(&ent), &format!("{base}/batches"), lot("L1", json!([]))),
        409,
        "lot_taken",
    );

    let listed = body(r.get(&officer, &format!("{base}/batches?per_page=1&page=2")));
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["lot"], "L1");
    assert_error(r.get(&ent2, &format!("{base}/batches")), 404, "not_found");
    assert_error(r.get(&ent2, &format!("{base}/products")), 404, "not_found");
    assert_error(
        r.post(
            Some(&ent2),
            &format!("/api/v1/enterprises/{other}/batches"),
            lot("L9", json!([])),
        ),
        409,
        "enterprise_not_active",
    );

    // Suspended: filing stops.
    r.post(
        Some(&officer),
        &format!("{base}/suspend"),
        json!({ "reason": "spot check failed" }),
    );
    let error = assert_error(
        r.post(Some(&ent), &format!("{base}/batches"), lot("L2", json!([]))),
        409,
        "enterprise_not_active",
    );
    assert!(error["message"].as_str().unwrap().contains("suspended"));
    assert_eq!(
        body(r.get(&ent, &format!("{base}/products")))
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

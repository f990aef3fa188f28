//! The enterprise registry over HTTP: departments, registration, review by the competent
//! department, key-data changes through review, history, scoping and search.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use registry::identity::{self, NewUser, Role, Scope};
use registry::ids::uscc::{organisation_code_check_char, uscc_check_char};
use reqwest::blocking::Response;
use serde_json::{Value, json};
use tracehub_tests::{PASSWORD, TestApp, assert_error, body};

/// A valid credit code for enterprise number `n` in `region`.
fn uscc(region: &str, n: u32) -> String {
    let org = format!("{n:08}");
    let org = format!("{org}{}", organisation_code_check_char(&org).unwrap());
    let body = format!("91{region}{org}");
    format!("{body}{}", uscc_check_char(&body).unwrap())
}

fn registration(n: u32, region: &str, categories: &[&str]) -> Value {
    json!({
        "credit_code": uscc(region, n),
        "name": format!("企业{n}"),
        "name_en": format!("Enterprise {n}"),
        "legal_representative": "张三",
        "phone": "+86 371 1234 5678",
        "email": format!("e{n}@example.cn"),
        "region_code": region,
        "address": "郑州市金水路1号",
        "categories": categories,
        "username": format!("ent{n}"),
        "password": PASSWORD,
    })
}

struct Registry {
    app: TestApp,
    admin: String,
}

impl Registry {
    fn new() -> Self {
        let app = TestApp::spawn();
        let admin = app.token("root", Role::Admin);
        Self { app, admin }
    }

    fn post(&self, token: Option<&str>, path: &str, body: Value) -> Response {
        let mut request = self.app.client().post(self.app.url(path)).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().unwrap()
    }

    fn patch(&self, token: &str, path: &str, body: Value) -> Response {
        self.app
            .client()
            .patch(self.app.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .unwrap()
    }

    fn get(&self, token: &str, path: &str) -> Response {
        self.app
            .client()
            .get(self.app.url(path))
            .bearer_auth(token)
            .send()
            .unwrap()
    }

    /// A department (through the API) and a token of an officer in it.
    fn officer(&self, name: &str, region: &str, categories: &[&str]) -> String {
        let response = self.post(
            Some(&self.admin),
            "/api/v1/departments",
            json!({ "code": format!("D-{name}"), "name": name, "region_code": region, "categories": categories }),
        );
        assert_eq!(response.status(), 201);
        let dept = body(response)["id"].as_i64().unwrap();
        let user = identity::create_user(
            &mut self.app.test_db().db().conn().unwrap(),
            &NewUser {
                username: name.into(),
                display_name: name.into(),
                email: None,
                password: Some(PASSWORD.into()),
                role: Role::Officer,
                department_id: Some(dept),
                enterprise_id: None,
            },
        )
        .unwrap();
        self.app.token_for(&user, &[Scope::Read, Scope::Write])
    }

    /// Registers enterprise `n`; returns its id and a token of its first user.
    fn register(&self, n: u32, region: &str, categories: &[&str]) -> (i64, String) {
        let response = self.post(
            None,
            "/api/v1/enterprises",
            registration(n, region, categories),
        );
        assert_eq!(response.status(), 201);
        let registered = body(response);
        assert_eq!(registered["enterprise"]["status"], "pending");
        assert_eq!(registered["enterprise"]["credit_tier"], "B");
        let id = registered["enterprise"]["id"].as_i64().unwrap();
        let user = identity::find_user_by_name(
            &mut self.app.test_db().db().conn().unwrap(),
            &format!("ent{n}"),
        )
        .unwrap();
        (id, self.app.token_for(&user, &[Scope::Read, Scope::Write]))
    }
}

#[test]
fn registrations_are_validated_naming_the_field() {
    let r = Registry::new();
    let mut bad = registration(1, "410102", &["food"]);
    bad["credit_code"] = json!("91110000600037341X");
    let error = assert_error(
        r.post(None, "/api/v1/enterprises", bad),
        422,
        "invalid_credit_code",
    );
    assert_eq!(error["field"], "credit_code");
    let mut bad = registration(1, "410102", &["food"]);
    bad["region_code"] = json!("4101");
    assert_eq!(
        assert_error(
            r.post(None, "/api/v1/enterprises", bad),
            422,
            "invalid_region"
        )["field"],
        "region_code"
    );
    let mut bad = registration(1, "410102", &["food"]);
    bad["company_prefix"] = json!("69a1");
    assert_eq!(
        assert_error(
            r.post(None, "/api/v1/enterprises", bad),
            422,
            "invalid_company_prefix"
        )["field"],
        "company_prefix"
    );
    let mut bad = registration(1, "410102", &["food"]);
    bad["categories"] = json!(["tobacco"]);
    let response = r.post(None, "/api/v1/enterprises", bad);
    assert_eq!(response.status().as_u16() / 100, 4);
    assert_eq!(body(response)["field"], "categories[0]");

    r.register(1, "410102", &["food"]);
    let mut same_code = registration(2, "410102", &["food"]);
    same_code["credit_code"] = json!(uscc("410102", 1));
    let error = assert_error(
        r.post(None, "/api/v1/enterprises", same_code),
        409,
        "credit_code_taken",
    );
    assert_eq!(error["field"], "credit_code");
    let mut same_user = registration(3, "410102", &["food"]);
    same_user["username"] = json!("ent1");
    assert_error(
        r.post(None, "/api/v1/enterprises", same_user),
        409,
        "username_taken",
    );
    // Refused registrations wrote nothing: one enterprise, one registration in the audit log.
    let page = body(r.get(&r.admin, "/api/v1/enterprises"));
    assert_eq!(page["total"], 1);
}

#[test]
fn only_the_competent_department_reviews_and_history_records_it() {
    let r = Registry::new();
    let (id, ent) = r.register(1, "410102", &["food"]);
    let competent = r.officer("zz-food", "410100", &["food", "drugs"]);
    let other_region = r.officer("ly-food", "410300", &["food"]);
    let other_category = r.officer("zz-rare", "410000", &["rare_earth"]);
    let path = format!("/api/v1/enterprises/{id}");

    for token in [&other_region, &other_category] {
        assert_error(
            r.post(Some(token), &format!("{path}/approve"), json!({})),
            403,
            "outside_jurisdiction",
        );
        assert_error(r.get(token, &path), 403, "outside_jurisdiction");
    }
    let error = assert_error(
        r.post(
            Some(&competent),
            &format!("{path}/reject"),
            json!({ "reason": "  " }),
        ),
        422,
        "reason_required",
    );
    assert_eq!(error["field"], "reason");
    let rejected = body(r.post(
        Some(&competent),
        &format!("{path}/reject"),
        json!({ "reason": "licence scan unreadable" }),
    ));
    assert_eq!(rejected["status"], "rejected");
    let seen = body(r.get(&ent, &path));
    assert_eq!(seen["status_reason"], "licence scan unreadable");

    // The enterprise answers by changing its data, which resubmits it.
    let outcome = body(r.patch(&ent, &path, json!({ "address": "郑州市金水路2号" })));
    assert_eq!(outcome["enterprise"]["status"], "pending");
    let approved = body(r.post(Some(&competent), &format!("{path}/approve"), json!({})));
    assert_eq!(approved["status"], "active");
    assert_error(
        r.post(Some(&competent), &format!("{path}/approve"), json!({})),
        409,
        "invalid_transition",
    );

    // Key data after approval goes to review; contact data applies at once.
    let outcome = body(r.patch(
        &ent,
        &path,
        json!({ "name": "新名称", "phone": "0371-88888888" }),
    ));
    assert_eq!(outcome["enterprise"]["status"], "active");
    assert_eq!(outcome["enterprise"]["name"], "企业1");
    assert_eq!(outcome["enterprise"]["phone"], "0371-88888888");
    let change = outcome["proposed_change"]["id"].as_i64().unwrap();
    assert_error(
        r.patch(&ent, &path, json!({ "name": "又一个" })),
        409,
        "change_pending",
    );
    assert_error(
        r.post(
            Some(&other_region),
            &format!("{path}/changes/{change}/approve"),
            json!({}),
        ),
        403,
        "outside_jurisdiction",
    );
    let decided = body(r.post(
        Some(&competent),
        &format!("{path}/changes/{change}/approve"),
        json!({}),
    ));
    assert_eq!(decided["status"], "approved");
    assert_eq!(body(r.get(&ent, &path))["name"], "新名称");

    // Suspension and reinstatement.
    let tier = body(r.post(
        Some(&competent),
        &format!("{path}/credit-tier"),
        json!({ "credit_tier": "A", "reason": "clean record" }),
    ));
    assert_eq!(tier["credit_tier"], "A");
    let suspended = body(r.post(
        Some(&competent),
        &format!("{path}/suspend"),
        json!({ "reason": "failed spot check" }),
    ));
    assert_eq!(suspended["status"], "suspended");
    assert_eq!(
        body(r.post(Some(&competent), &format!("{path}/reinstate"), json!({})))["status"],
        "active"
    );

    let history = body(r.get(&ent, &format!("{path}/history")));
    let actions: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "enterprise.register",
            "enterprise.reject",
            "enterprise.resubmit",
            "enterprise.approve",
            "enterprise.update",
            "enterprise.change_propose",
            "enterprise.change_approve",
            "enterprise.credit_tier",
            "enterprise.suspend",
            "enterprise.reinstate",
        ]
    );
    let h = history.as_array().unwrap();
    assert_eq!(h[0]["actor"], "user:ent1");
    assert_eq!(h[1]["actor"], "user:zz-food");
    assert_eq!(h[1]["note"], "licence scan unreadable");
    assert_eq!(h[6]["before"]["name"], "企业1");
    assert_eq!(h[6]["after"]["name"], "新名称");
    let audit = body(r.get(&r.admin, "/api/v1/audit"));
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "enterprise.approve")
    );
}

#[test]
fn an_enterprise_sees_and_changes_only_its_own() {
    let r = Registry::new();
    let (one, ent1) = r.register(1, "410102", &["food"]);
    let (two, ent2) = r.register(2, "410102", &["food"]);
    let expiring = "/api/v1/enterprises?licence_expires_before=2026-12-31";
    assert_eq!(
        body(r.get(&ent1, &format!("/api/v1/enterprises/{one}")))["id"],
        one
    );
    assert_error(
        r.get(&ent1, &format!("/api/v1/enterprises/{two}")),
        404,
        "not_found",
    );
    assert_error(
        r.get(&ent1, &format!("/api/v1/enterprises/{two}/history")),
        404,
        "not_found",
    );
    assert_error(
        r.get(&ent1, &format!("/api/v1/enterprises/{two}/licences")),
        404,
        "not_found",
    );
    assert_error(
        r.patch(
            &ent1,
            &format!("/api/v1/enterprises/{two}"),
            json!({ "name": "x" }),
        ),
        404,
        "not_found",
    );
    let licence = json!({ "licence_type": "food_production", "number": "SC1", "valid_from": "2026-01-01", "valid_to": "2026-12-01", "authority": "郑州市市场监督管理局" });
    assert_error(
        r.post(
            Some(&ent1),
            &format!("/api/v1/enterprises/{two}/licences"),
            licence.clone(),
        ),
        404,
        "not_found",
    );
    assert_error(r.get(&ent2, "/api/v1/enterprises"), 403, "forbidden");

    // Licences: added with the registration before approval, flagged when near expiry.
    let outcome = body(r.post(
        Some(&ent1),
        &format!("/api/v1/enterprises/{one}/licences"),
        licence.clone(),
    ));
    assert_eq!(outcome["licence"]["expired"], false);
    assert_eq!(outcome["licence"]["expires_soon"], true);
    assert_error(
        r.post(
            Some(&ent1),
            &format!("/api/v1/enterprises/{one}/licences"),
            licence,
        ),
        409,
        "licence_taken",
    );
    let expired = json!({ "licence_type": "food_business", "number": "JY1", "valid_from": "2020-01-01", "valid_to": "2021-01-01", "authority": "x" });
    let outcome = body(r.post(
        Some(&ent1),
        &format!("/api/v1/enterprises/{one}/licences"),
        expired,
    ));
    assert_eq!(outcome["licence"]["expired"], true);
    assert_eq!(body(r.get(&r.admin, expiring))["total"], 1);
    assert_eq!(
        body(r.get(
            &r.admin,
            "/api/v1/enterprises?licence_expires_before=2019-12-31"
        ))["total"],
        0
    );
    let backwards = json!({ "licence_type": "x", "number": "1", "valid_from": "2021-01-01", "valid_to": "2020-01-01", "authority": "x" });
    let error = assert_error(
        r.post(
            Some(&ent1),
            &format!("/api/v1/enterprises/{one}/licences"),
            backwards,
        ),
        422,
        "invalid_validity",
    );
    assert_eq!(error["field"], "valid_to");

    // After approval, a new licence is a change for review.
    let officer = r.officer("zz-officer", "410100", &["food"]);
    r.post(
        Some(&officer),
        &format!("/api/v1/enterprises/{one}/approve"),
        json!({}),
    );
    let later = json!({ "licence_type": "food_production", "number": "SC2", "valid_from": "2026-01-01", "valid_to": "2031-01-01", "authority": "x" });
    let outcome = body(r.post(
        Some(&ent1),
        &format!("/api/v1/enterprises/{one}/licences"),
        later,
    ));
    assert!(outcome["licence"].is_null());
    let change = outcome["proposed_change"]["id"].as_i64().unwrap();
    assert_eq!(
        body(r.get(&ent1, &format!("/api/v1/enterprises/{one}/licences")))
            .as_array()
            .unwrap()
            .len(),
        2
    );
    r.post(
        Some(&officer),
        &format!("/api/v1/enterprises/{one}/changes/{change}/approve"),
        json!({}),
    );
    let licences = body(r.get(&officer, &format!("/api/v1/enterprises/{one}/licences")));
    assert_eq!(licences.as_array().unwrap().len(), 3);
}

#[test]
fn search_is_scoped_filtered_sorted_and_paginated() {
    let r = Registry::new();
    for n in 1..=7 {
        r.register(n, "410102", &["food"]);
    }
    r.register(8, "410302", &["food"]);
    r.register(9, "410102", &["drugs"]);
    r.register(10, "420102", &["food", "drugs"]);
    let officer = r.officer("zz-officer", "410100", &["food"]);

    let page = body(r.get(&officer, "/api/v1/enterprises?per_page=3&page=2&sort=-name"));
    assert_eq!(page["total"], 7, "only Zhengzhou food enterprises: {page}");
    let names: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["企业4", "企业3", "企业2"]);

    let all = body(r.get(&r.admin, "/api/v1/enterprises?per_page=100"));
    assert_eq!(all["total"], 10);
    assert_eq!(
        body(r.get(&r.admin, "/api/v1/enterprises?region=4103"))["total"],
        1
    );
    assert_eq!(
        body(r.get(&r.admin, "/api/v1/enterprises?region=410000"))["total"],
        9
    );
    assert_eq!(
        body(r.get(&r.admin, "/api/v1/enterprises?category=drugs"))["total"],
        2
    );
    assert_eq!(
        body(r.get(&r.admin, "/api/v1/enterprises?name=Enterprise%201"))["total"],
        2
    );
    let code = uscc("410302", 8);
    let found = body(r.get(&r.admin, &format!("/api/v1/enterprises?credit_code={code}")));
    assert_eq!(found["items"][0]["name"], "企业8");
    assert_eq!(
        body(r.get(&r.admin, "/api/v1/enterprises?status=active"))["total"],
        0
    );
    assert_eq!(
        body(r.get(&r.admin, "/api/v1/enterprises?status=pending"))["total"],
        10
    );
    assert_eq!(
        assert_error(
            r.get(&r.admin, "/api/v1/enterprises?sort=password"),
            422,
            "invalid_sort"
        )["field"],
        "sort"
    );
    assert_eq!(
        assert_error(
            r.get(&r.admin, "/api/v1/enterprises?per_page=1000"),
            422,
            "invalid_page"
        )["field"],
        "per_page"
    );
}

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

//! The enterprise registry over HTTP: departments, registration, review by the competent
//! department, key-data changes through review, history, scoping and search.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use serde_json::json;
use tracehub_tests::fixtures::{Registry, registration, uscc};
use tracehub_tests::{assert_error, body};

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
    // The override, its reason and expiry, beside the tier computed from the data; the
    // enterprise reads why.
    let past = assert_error(
        r.post(
            Some(&competent),
            &format!("{path}/credit-tier"),
            json!({ "credit_tier": "A", "reason": "clean record", "expires_on": r.app.today().to_string() }),
        ),
        422,
        "invalid_expiry",
    );
    assert_eq!(past["field"], "expires_on");
    let until = (r.app.today() + chrono::Duration::days(90)).to_string();
    let tier = body(r.post(
        Some(&competent),
        &format!("{path}/credit-tier"),
        json!({ "credit_tier": "A", "reason": "clean record", "expires_on": until }),
    ));
    assert_eq!(tier["credit_tier"], "A");
    let credit = body(r.get(&ent, &format!("{path}/credit")));
    assert_eq!(credit["override"]["reason"], "clean record");
    assert!(
        credit["override"]["expires_at"]
            .as_str()
            .unwrap()
            .starts_with(&until)
    );
    assert!(credit["computed_tier"].is_null(), "not assessed yet");
    let recomputed =
        hub::ops::credit::recompute(&r.app.state, &hub::ops::Origin::operator(&r.app.state))
            .unwrap();
    assert_eq!(recomputed.assessed, 1);
    let credit = body(r.get(&ent, &format!("{path}/credit")));
    assert_eq!(
        (credit["tier"].clone(), credit["computed_tier"].clone()),
        (json!("A"), json!("B")),
        "the override holds"
    );
    let reasons: Vec<&str> = credit["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["licence_missing", "no_products"]);
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
    let today = r.app.today();
    let day = |offset: i64| (today + chrono::Duration::days(offset)).to_string();
    let expiring = &format!("/api/v1/enterprises?licence_expires_before={}", day(60));
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
    let licence = json!({ "licence_type": "food_production", "number": "SC1", "valid_from": day(-300), "valid_to": day(26), "authority": "郑州市市场监督管理局" });
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
    let expired = json!({ "licence_type": "food_business", "number": "JY1", "valid_from": day(-800), "valid_to": day(-435), "authority": "x" });
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
            &format!("/api/v1/enterprises?licence_expires_before={}", day(-2000))
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
    let later = json!({ "licence_type": "food_production", "number": "SC2", "valid_from": day(-300), "valid_to": day(1500), "authority": "x" });
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
    // Case-insensitive on both databases.
    assert_eq!(
        body(r.get(&r.admin, "/api/v1/enterprises?name=eNTERPRISE%201"))["total"],
        2
    );
    assert_eq!(
        body(r.get(&r.admin, "/api/v1/enterprises?name=%E4%BC%81%E4%B8%9A1"))["total"],
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

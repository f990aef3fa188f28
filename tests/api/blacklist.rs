//! The blacklist over HTTP: listing by the competent department (once), the public list, the
//! full records, filings flagged while listed, removal after a year with the confirmations, and
//! the notices that go to departments, ministries and the enterprise.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use std::time::{Duration, Instant};

use diesel::prelude::*;
use registry::identity::Role;
use registry::notices::NOTICE_JOB;
use registry::schema::{audit_log, outbox};
use serde_json::{Value, json};
use tracehub_tests::fixtures::{Registry, blacklist_proposal as proposal};
use tracehub_tests::{assert_error, body};

const PROPOSALS: &str = "/api/v1/blacklist/proposals";

fn count(r: &Registry, table: &str, filter: &str) -> i64 {
    let conn = &mut r.app.test_db().raw();
    match table {
        "notices" => outbox::table
            .filter(outbox::kind.eq(NOTICE_JOB))
            .count()
            .get_result(conn)
            .unwrap(),
        "audit" => audit_log::table
            .filter(audit_log::action.eq(filter))
            .count()
            .get_result(conn)
            .unwrap(),
        _ => unreachable!(),
    }
}

/// Waits until `token`'s inbox holds a notice of `topic`; returns its subject.
fn inbox_subject(r: &Registry, token: &str, topic: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let inbox = body(r.get(token, "/api/v1/notices"));
        if let Some(found) = inbox
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["topic"] == topic)
        {
            return found["subject"].as_str().unwrap().to_owned();
        }
        assert!(Instant::now() < deadline, "no {topic} notice arrived");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn listing_publishing_flagging_and_removal() {
    let r = Registry::new();
    let officer = r.officer("zz-food", "410100", &["food"]);
    let drugs = r.officer("zz-drugs", "410100", &["drugs"]);
    let elsewhere = r.officer("ly-food", "410300", &["food"]);
    let (ent, ent_token) = r.register(1, "410102", &["food"]);
    let ministry = r.app.token("mofcom", Role::Ministry);
    let base = format!("/api/v1/enterprises/{ent}");
    assert_eq!(
        r.post(Some(&officer), &format!("{base}/approve"), json!({}))
            .status(),
        200
    );
    let product = |gtin: &str| json!({ "gtin": gtin, "name": "速冻水饺", "category": "food" });
    let before = body(r.post(
        Some(&ent_token),
        &format!("{base}/products"),
        product("6901234000016"),
    ));
    assert_eq!(before["flagged"], Value::Null);

    // The enterprise was told of its approval.
    inbox_subject(&r, &ent_token, "enterprise.approved");
    let told = count(&r, "notices", "");
    assert_eq!(told, 1);

    // Only the competent department proposes; the proposal is validated.
    assert_error(
        r.post(Some(&drugs), PROPOSALS, proposal(ent)),
        403,
        "outside_jurisdiction",
    );
    for field in ["decision_number", "legal_basis"] {
        let mut blank = proposal(ent);
        blank[field] = json!("");
        assert_eq!(
            assert_error(
                r.post(Some(&officer), PROPOSALS, blank),
                422,
                "invalid_text"
            )["field"],
            field
        );
    }
    let mut odd = proposal(ent);
    odd["penalty"] = json!("warning");
    let refused = r.post(Some(&officer), PROPOSALS, odd);
    assert_eq!(refused.status().as_u16() / 100, 4);
    assert_eq!(body(refused)["field"], "penalty");
    assert_eq!(
        count(&r, "notices", ""),
        told,
        "a refused proposal sends nothing"
    );
    // The old single-officer route is gone.
    assert_eq!(
        r.post(Some(&officer), "/api/v1/blacklist", proposal(ent))
            .status()
            .as_u16()
            / 100,
        4
    );

    // One officer proposes; the department's officers are told; nothing is listed yet.
    let second = r.colleague("zz-food");
    let proposed = body(r.post(Some(&officer), PROPOSALS, proposal(ent)));
    assert_eq!(proposed["status"], "pending");
    assert_eq!(proposed["proposed_by"], "user:zz-food");
    let pid = proposed["id"].as_i64().unwrap();
    inbox_subject(&r, &second, "blacklist.proposed");
    assert_eq!(
        body(r.get(&elsewhere, "/api/v1/public/blacklist")),
        json!([])
    );
    assert_error(
        r.post(Some(&second), PROPOSALS, proposal(ent)),
        409,
        "already_proposed",
    );
    let pending = body(r.get(&second, &format!("{PROPOSALS}?status=pending")));
    assert_eq!(pending.as_array().unwrap().len(), 1);
    // Not by its proposer, nor by another department, nor by the enterprise.
    let approve = format!("{PROPOSALS}/{pid}/approve");
    assert_error(
        r.post(Some(&officer), &approve, json!({})),
        403,
        "own_proposal",
    );
    assert_error(
        r.post(Some(&drugs), &approve, json!({})),
        403,
        "outside_jurisdiction",
    );
    assert_error(
        r.post(Some(&ent_token), &approve, json!({})),
        403,
        "forbidden",
    );

    // A second officer of the department approves: the enterprise is listed, its tier is D.
    let listed = body(r.post(Some(&second), &approve, json!({})));
    let id = listed["id"].as_i64().unwrap();
    assert_eq!(listed["penalty"], "licence_revoked");
    assert_eq!(listed["listed_by"], "user:zz-food-2");
    assert_eq!(listed["proposed_by"], "user:zz-food");
    assert_eq!(listed["tier_before"], "B");
    assert_error(
        r.post(Some(&second), &approve, json!({})),
        409,
        "proposal_decided",
    );
    let again = assert_error(
        r.post(Some(&officer), PROPOSALS, proposal(ent)),
        409,
        "already_listed",
    );
    assert_eq!(again["field"], "enterprise_id");
    assert_eq!(body(r.get(&officer, &base))["credit_tier"], "D");
    assert_error(
        r.post(
            Some(&officer),
            &format!("{base}/credit-tier"),
            json!({ "credit_tier": "A", "reason": "整改到位" }),
        ),
        409,
        "tier_fixed_while_listed",
    );
    assert_eq!(
        body(r.get(&officer, &format!("{PROPOSALS}/{pid}")))["listing_id"],
        id
    );
    assert_eq!(count(&r, "notices", ""), told + 2);
    assert_eq!(count(&r, "audit", "blacklist.propose"), 1);
    assert_eq!(count(&r, "audit", "blacklist.list"), 1);

    // The public list: no sign-in, only the published fields.
    let public = body(
        r.app
            .client()
            .get(r.app.url("/api/v1/public/blacklist"))
            .send()
            .unwrap(),
    );
    let entry = public[0].as_object().unwrap();
    let mut keys: Vec<&str> = entry.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "credit_code",
            "decision_number",
            "enterprise_name",
            "legal_basis",
            "listed_on",
            "penalty",
            "reason"
        ]
    );
    assert_eq!(entry["enterprise_name"], "企业1");
    // The full record, for officers of any department.
    let full = body(r.get(&elsewhere, &format!("/api/v1/blacklist/{id}")));
    assert!(full["department_id"].as_i64().is_some());
    assert_eq!(
        body(r.get(&elsewhere, "/api/v1/blacklist"))
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_error(r.get(&ministry, "/api/v1/blacklist"), 403, "forbidden");

    // Filings while listed are flagged; so is an EPCIS capture by the enterprise.
    let during = body(r.post(
        Some(&ent_token),
        &format!("{base}/products"),
        product("6901234000023"),
    ));
    assert_eq!(during["flagged"], "blacklisted");
    let batch = json!({ "product_id": during["id"], "lot": "L1", "production_date": "2026-11-01", "quantity": 10, "unit": "box" });
    let batch = body(r.post(Some(&ent_token), &format!("{base}/batches"), batch));
    assert_eq!(batch["flagged"], "blacklisted");
    let event = json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "ObjectEvent", "eventTime": "2026-11-02T00:00:00Z", "eventTimeZoneOffset": "+08:00",
        "epcList": ["urn:epc:id:sgtin:6901234.000002.1"], "action": "ADD", "bizStep": "commissioning"
    });
    let job = body(r.post(Some(&ent_token), "/epcis/events", event));
    assert_eq!(job["flagged"], "blacklisted");

    // Departments, ministries and the enterprise are told, in their language.
    assert_eq!(
        inbox_subject(&r, &ministry, "blacklist.listed"),
        "严重失信主体名单：企业1（".to_owned() + listed_credit_code(&public).as_str() + "）被列入"
    );
    inbox_subject(&r, &drugs, "blacklist.listed");
    inbox_subject(&r, &ent_token, "blacklist.listed");

    // Removal: not before a year, and only with both confirmations.
    let removal = json!({ "reason": "罚款已缴纳，整改验收合格", "penalties_fulfilled": true, "no_new_heavy_penalty": true });
    let remove = format!("/api/v1/blacklist/{id}/remove");
    assert_error(
        r.post(Some(&officer), &remove, removal.clone()),
        409,
        "not_yet_removable",
    );
    // A year and a day later, on the hub's clock.
    r.app.clock().advance(chrono::Duration::days(366));
    let mut unconfirmed = removal.clone();
    unconfirmed["penalties_fulfilled"] = json!(false);
    assert_eq!(
        assert_error(
            r.post(Some(&officer), &remove, unconfirmed),
            422,
            "confirmation_required"
        )["field"],
        "penalties_fulfilled"
    );
    assert_error(
        r.post(Some(&elsewhere), &remove, removal.clone()),
        403,
        "outside_jurisdiction",
    );
    let removed = body(r.post(Some(&officer), &remove, removal.clone()));
    assert_eq!(removed["removed_by"], "user:zz-food");
    assert_eq!(body(r.get(&officer, &base))["credit_tier"], "B");
    assert_eq!(removed["penalties_fulfilled"], true);
    assert_error(
        r.post(Some(&officer), &remove, removal),
        409,
        "listing_removed",
    );
    inbox_subject(&r, &ministry, "blacklist.removed");
    let public = body(
        r.app
            .client()
            .get(r.app.url("/api/v1/public/blacklist"))
            .send()
            .unwrap(),
    );
    assert_eq!(public, json!([]));

    // What was filed while listed stays flagged; what comes after is not.
    let after = body(r.post(
        Some(&ent_token),
        &format!("{base}/products"),
        product("6901234000030"),
    ));
    assert_eq!(after["flagged"], Value::Null);
    let products = body(r.get(&officer, &format!("{base}/products")));
    let flags: Vec<&Value> = products
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["flagged"])
        .collect();
    assert_eq!(flags, [&Value::Null, &json!("blacklisted"), &Value::Null]);
}

fn listed_credit_code(public: &Value) -> String {
    public[0]["credit_code"].as_str().unwrap().to_owned()
}

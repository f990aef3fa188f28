//! Recall cases end to end: a case over a chain from a farm in Luoyang through a processor in
//! Zhengzhou to Viet Nam; every registered party told once (inbox and a real SMTP conversation,
//! with the server down for a while), the department of the other region told, the stamps'
//! verdict, the public list and a complaint that becomes an alert; a late capture widening the
//! scope to Shenzhen; acknowledgements, reports, reminders and escalation on the schedule;
//! closure only on the effectiveness check, with every step audited.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine as _;
use diesel::prelude::*;
use registry::notices::EMAIL_JOB;
use registry::schema::outbox;
use serde_json::{Value, json};
use tracehub_tests::fixtures::Registry;
use tracehub_tests::recall::{Scene, capture, created, register, scene, sgln, with_check};
use tracehub_tests::smtp::SmtpServer;
use tracehub_tests::{assert_error, body, wait_until};

/// The recall's e-mail jobs (the parties were also mailed their approval, before).
fn email_jobs(r: &Registry) -> Vec<(String, i32)> {
    outbox::table
        .filter(outbox::kind.eq(EMAIL_JOB))
        .filter(outbox::payload.like("%召回%"))
        .order(outbox::id)
        .select((outbox::status, outbox::attempts))
        .load(&mut r.app.test_db().raw())
        .unwrap()
}

fn topics(r: &Registry, token: &str) -> Vec<String> {
    body(r.get(token, "/api/v1/notices"))
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["topic"].as_str().unwrap().to_owned())
        .collect()
}

fn verdict(s: &Scene) -> Value {
    let path = format!("/01/{}/10/A1/21/{}", s.farm_gtin, s.serial);
    let response =
        s.r.app
            .client()
            .get(s.r.app.url(&path))
            .header("accept", "application/json")
            .send()
            .unwrap();
    body(response)
}

fn party(progress: &Value, enterprise: i64) -> &Value {
    progress["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["party"]["enterprise_id"] == enterprise)
        .unwrap()
}

#[test]
fn recall_cases_from_opening_to_closure() {
    let mut server = SmtpServer::start();
    server.stop();
    let s = scene(Registry::spawn_with(server.hub_mails_here()));
    let r = &s.r;
    assert_eq!(verdict(&s)["verdict"], "active");

    // Opening: the case freezes the scope and tells every party at once.
    let new = json!({ "lots": ["urn:epc:class:lgtin:6905678.000001.A1"], "hazard_class": "I",
        "reason": "黄曲霉毒素超标", "consumer_tip": "请停止食用，凭包装退货", "return_to": "购买门店" });
    assert_error(
        r.post(Some(&s.zz), "/api/v1/recalls", new.clone()),
        403,
        "outside_jurisdiction",
    );
    assert_error(
        r.post(Some(&s.farm_user), "/api/v1/recalls", new.clone()),
        403,
        "forbidden",
    );
    let mut bad = new.clone();
    bad["lots"] = json!(["urn:epc:id:sscc:6901234.0000000001"]);
    assert_eq!(
        assert_error(
            r.post(Some(&s.ly), "/api/v1/recalls", bad),
            422,
            "invalid_lot"
        )["field"],
        "lots[0]"
    );
    let opened = created(r.post(Some(&s.ly), "/api/v1/recalls", new));
    let id = opened["case"]["id"].as_i64().unwrap();
    assert_eq!(opened["case"]["status"], "open");
    assert_eq!(opened["scope"]["new_parties"], 2, "{opened}");
    assert_eq!(opened["scope"]["regions_told"], json!(["410102"]));

    // Mail: down at first, then back; each party mailed exactly once.
    wait_until("a failed attempt", || {
        email_jobs(r)
            .iter()
            .any(|(status, attempts)| status == "queued" && *attempts >= 1)
    });
    server.resume();
    diesel::update(outbox::table.filter(outbox::kind.eq(EMAIL_JOB)))
        .set(outbox::run_after.eq(r.app.now()))
        .execute(&mut r.app.test_db().raw())
        .unwrap();
    wait_until("both mails", || {
        let jobs = email_jobs(r);
        jobs.len() == 2 && jobs.iter().all(|(status, _)| status == "done")
    });
    std::thread::sleep(Duration::from_millis(300));
    let mut per_recipient: HashMap<String, usize> = HashMap::new();
    for m in server.messages() {
        if !m.subject().contains("召回") {
            assert!(m.subject().contains("注册已通过审核"), "{}", m.subject());
            continue;
        }
        *per_recipient.entry(m.to.join(",")).or_default() += 1;
    }
    assert_eq!(per_recipient.len(), 2, "{per_recipient:?}");
    assert!(per_recipient.values().all(|n| *n == 1), "{per_recipient:?}");
    assert!(topics(r, &s.farm_user).contains(&"recall.opened".to_owned()));
    assert!(topics(r, &s.processor_user).contains(&"recall.opened".to_owned()));
    wait_until("the other region's department told", || {
        topics(r, &s.zz).contains(&"recall.department".to_owned())
    });

    // The stamps and the public.
    let resolved = verdict(&s);
    assert_eq!(resolved["verdict"], "recalled", "{resolved}");
    assert_eq!(resolved["story"]["recall"]["case_id"], id);
    let html = r
        .app
        .client()
        .get(r.app.url(&format!(
            "/01/{}/10/A1/21/{}?lang=en",
            s.farm_gtin, s.serial
        )))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        html.contains("data-verdict=\"recalled\"") && html.contains("do not use"),
        "{html}"
    );
    let linkset = r
        .app
        .client()
        .get(r.app.url(&format!(
            "/01/{}/10/A1/21/{}?linkType=linkset",
            s.farm_gtin, s.serial
        )))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        linkset.contains("https://gs1.org/voc/recallStatus"),
        "{linkset}"
    );
    let public = body(
        r.app
            .client()
            .get(r.app.url("/api/v1/public/recalls"))
            .send()
            .unwrap(),
    );
    assert_eq!(public[0]["id"], id);
    assert_eq!(public[0]["consumer_tip"], "请停止食用，凭包装退货");
    assert!(
        public[0]["lots"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["lot"] == "C1")
    );

    // A complaint reaches the competent department as an alert.
    let photo = base64::engine::general_purpose::STANDARD.encode(b"\x89PNG\r\n\x1a\nphoto");
    let complaint = created(r.post(None, "/api/v1/public/complaints", json!({
        "gtin": s.farm_gtin, "lot": "A1", "description": "吃后腹痛", "contact": "13800000000", "photo": photo })));
    assert_eq!(complaint["case_id"], id);
    assert!(complaint["photo_sha256"].is_string());
    let alerts = body(r.get(&s.ly, "/api/v1/alerts"));
    let alert = alerts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "recall.complaint")
        .unwrap();
    assert_eq!(alert["severity"], "critical");
    assert_eq!(
        assert_error(
            r.post(
                None,
                "/api/v1/public/complaints",
                json!({ "description": "x", "contact": "y" })
            ),
            422,
            "invalid_gtin"
        )["field"],
        "gtin"
    );

    // A late capture reaches a retailer in Shenzhen: re-scoping adds it and says so.
    let (shop, shop_user) = register(r, 3, "440305", "food", "6909999");
    let sz = r.officer("officer-sz", "440300", &["food", "edible_agri"]);
    r.approve(&sz, shop);
    let shop_gln = with_check("690999900001");
    created(r.post(
        Some(&shop_user),
        &format!("/api/v1/enterprises/{shop}/sites"),
        json!({ "name": "深圳门店", "kind": "store", "gln": shop_gln, "address": "深圳" }),
    ));
    capture(
        r,
        vec![
            json!({"type": "ObjectEvent", "eventTime": "2026-01-09T08:00:00+08:00", "eventTimeZoneOffset": "+08:00",
        "action": "OBSERVE", "bizStep": "receiving", "bizLocation": {"id": sgln(&shop_gln)},
        "epcList": ["urn:epc:id:sgtin:6901234.000002.2"]}),
        ],
    );
    let rescoped = body(r.post(
        Some(&s.ly),
        &format!("/api/v1/recalls/{id}/rescope"),
        json!({}),
    ));
    assert_eq!(
        (
            rescoped["version"].as_i64(),
            rescoped["new_parties"].as_i64()
        ),
        (Some(1), Some(1)),
        "{rescoped}"
    );
    assert_eq!(rescoped["regions_told"], json!(["440305"]));
    wait_until("the new party told", || {
        topics(r, &shop_user).contains(&"recall.opened".to_owned())
    });
    let recall_mails = || {
        server
            .messages()
            .iter()
            .filter(|m| m.subject().contains("召回"))
            .count()
    };
    wait_until("its mail", || recall_mails() == 3);

    // Acknowledgements and reports.
    let case_path = format!("/api/v1/recalls/{id}");
    let line = |lot: &str, held: f64| json!({ "lines": [{ "lot": lot, "held": held, "returned": held / 2.0, "destroyed": held / 2.0, "uom": "KGM" }] });
    assert_error(
        r.post(
            Some(&s.farm_user),
            &format!("{case_path}/disposals"),
            line("A1", 10.0),
        ),
        409,
        "recall_not_acknowledged",
    );
    for token in [&s.processor_user, &shop_user] {
        assert_eq!(
            r.post(Some(token), &format!("{case_path}/acknowledge"), json!({}))
                .status(),
            200
        );
    }
    let too_much =
        json!({ "lines": [{ "lot": "C1", "held": 1.0, "returned": 2.0, "uom": "KGM" }] });
    assert_eq!(
        assert_error(
            r.post(
                Some(&s.processor_user),
                &format!("{case_path}/disposals"),
                too_much
            ),
            422,
            "invalid_quantity"
        )["field"],
        "lines[0].held"
    );
    assert_eq!(
        assert_error(
            r.post(
                Some(&s.processor_user),
                &format!("{case_path}/disposals"),
                line("Z9", 1.0)
            ),
            422,
            "invalid_lot"
        )["field"],
        "lines[0].lot"
    );
    assert_eq!(
        r.post(
            Some(&s.processor_user),
            &format!("{case_path}/disposals"),
            line("C1", 80.0)
        )
        .status(),
        200
    );
    assert_eq!(
        r.post(
            Some(&shop_user),
            &format!("{case_path}/disposals"),
            line("C1", 1.0)
        )
        .status(),
        200
    );
    assert_error(
        r.post(
            Some(&s.ly),
            &format!("{case_path}/close"),
            json!({ "effectiveness_accepted": true, "effectiveness": "抽查" }),
        ),
        409,
        "recall_unaccounted",
    );

    // The schedule: a reminder after a quarter of class I's 24 hours, escalation past them.
    r.app.clock().advance(chrono::Duration::hours(7));
    wait_until("a reminder", || {
        party(&body(r.get(&s.ly, &case_path)), s.farm)["party"]["reminders"] == 1
    });
    wait_until("the reminder in the inbox", || {
        topics(r, &s.farm_user).contains(&"recall.reminder".to_owned())
    });
    r.app.clock().advance(chrono::Duration::hours(18));
    wait_until("the escalation", || {
        party(&body(r.get(&s.ly, &case_path)), s.farm)["party"]["escalated_at"].is_string()
    });
    wait_until("the escalation told", || {
        topics(r, &s.ly).contains(&"recall.escalated".to_owned())
    });
    let progress = body(r.get(&s.ly, &case_path));
    assert!(party(&progress, s.processor)["party"]["escalated_at"].is_null());

    // The farm answers late; progress per party, region and country.
    assert_eq!(
        r.post(
            Some(&s.farm_user),
            &format!("{case_path}/acknowledge"),
            json!({})
        )
        .status(),
        200
    );
    assert_eq!(
        r.post(
            Some(&s.farm_user),
            &format!("{case_path}/disposals"),
            line(&s.a1, 100.0)
        )
        .status(),
        200
    );
    let progress = body(r.get(&s.ly, &case_path));
    assert_eq!(
        (
            progress["acknowledged"].as_i64(),
            progress["reported"].as_i64()
        ),
        (Some(3), Some(3))
    );
    let regions: Vec<&str> = progress["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].as_str().unwrap())
        .collect();
    assert!(
        regions.contains(&"CN/410302")
            && regions.contains(&"CN/410102")
            && regions.contains(&"CN/440305"),
        "{regions:?}"
    );
    let countries: Vec<&str> = progress["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].as_str().unwrap())
        .collect();
    assert!(
        countries.contains(&"CN") && countries.contains(&"VN"),
        "{countries:?}"
    );
    assert_eq!(progress["total"]["returned"], 90.5);
    let own = body(r.get(&shop_user, &case_path));
    assert_eq!(
        own["parties"].as_array().unwrap().len(),
        1,
        "an enterprise sees its own party"
    );
    let csv = r.get(&s.ly, &format!("{case_path}/report.csv"));
    assert_eq!(csv.status(), 200);
    assert!(csv.text().unwrap().contains("party,"));
    let pdf = r
        .get(&s.ly, &format!("{case_path}/report.pdf"))
        .bytes()
        .unwrap();
    assert!(pdf.starts_with(b"%PDF-1.4"));

    // Closure only on the effectiveness check, by the department in charge.
    assert_eq!(
        assert_error(
            r.post(
                Some(&s.ly),
                &format!("{case_path}/close"),
                json!({ "effectiveness_accepted": false, "effectiveness": "抽查" })
            ),
            422,
            "confirmation_required"
        )["field"],
        "effectiveness_accepted"
    );
    assert_error(
        r.post(
            Some(&s.zz),
            &format!("{case_path}/close"),
            json!({ "effectiveness_accepted": true, "effectiveness": "抽查" }),
        ),
        403,
        "outside_jurisdiction",
    );
    let closed = body(r.post(
        Some(&s.ly),
        &format!("{case_path}/close"),
        json!({ "effectiveness_accepted": true, "effectiveness": "抽查 3 家门店，未见在售" }),
    ));
    assert_eq!(closed["status"], "closed");
    assert_eq!(verdict(&s)["verdict"], "active");
    assert!(
        body(
            r.app
                .client()
                .get(r.app.url("/api/v1/public/recalls"))
                .send()
                .unwrap()
        )
        .as_array()
        .unwrap()
        .is_empty()
    );
    for action in [
        "recall.open",
        "recall.rescope",
        "recall.acknowledge",
        "recall.report",
        "recall.remind",
        "recall.close",
        "recall.complaint",
    ] {
        assert!(!r.audited(action).is_empty(), "{action} audited");
    }
    assert_eq!(r.audited("recall.acknowledge").len(), 3);
}

#[test]
fn an_enterprise_asks_and_the_department_approves() {
    let s = scene(Registry::new());
    let r = &s.r;
    let ask = json!({ "lots": [s.a1], "hazard_class": "III", "reason": "标签错误", "consumer_tip": "可退换", "return_to": "原购买处" });
    let case = created(r.post(Some(&s.farm_user), "/api/v1/recalls/requests", ask));
    assert_eq!(case["status"], "requested");
    let id = case["id"].as_i64().unwrap();
    wait_until("the department told", || {
        topics(r, &s.ly).contains(&"recall.requested".to_owned())
    });
    assert_eq!(verdict(&s)["verdict"], "active", "not before approval");
    assert_error(
        r.post(
            Some(&s.zz),
            &format!("/api/v1/recalls/{id}/approve"),
            json!({}),
        ),
        403,
        "outside_jurisdiction",
    );
    let opened = body(r.post(
        Some(&s.ly),
        &format!("/api/v1/recalls/{id}/approve"),
        json!({}),
    ));
    assert_eq!(opened["case"]["status"], "open");
    assert_eq!(opened["case"]["requesting_enterprise_id"], s.farm);
    assert_eq!(verdict(&s)["verdict"], "recalled");
    assert_error(
        r.post(
            Some(&s.ly),
            &format!("/api/v1/recalls/{id}/approve"),
            json!({}),
        ),
        409,
        "invalid_transition",
    );
    let mine = body(r.get(&s.farm_user, "/api/v1/recalls"));
    assert_eq!(mine.as_array().unwrap().len(), 1);
}

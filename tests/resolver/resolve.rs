//! The public stamp resolver end to end: the story and verdicts (JSON, HTML in three
//! languages; the links are in `links.rs`), the scan log, each counterfeit alert (deduplicated), and
//! reports of suspected fakes.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use std::time::Duration;

use diesel::prelude::*;
use registry::ids::digital_link::parse_uri;
use registry::ids::element_string::Options;
use registry::schema::{stamp_fake_reports, stamp_scans};
use serde_json::{Value, json};
use tracehub_tests::portal::{Visitor, csrf_of, page_error_code};
use tracehub_tests::stamps::{
    GTIN13, GTIN14, LOT, StampWorld, activated, alerts_of, count_scans, get, json_of, link,
    wait_for_scans,
};
use tracehub_tests::{assert_error, body};

#[test]
fn the_story_in_json_and_in_three_languages() {
    let w = StampWorld::new(|_| {});
    let stamp = activated(&w, "qr");

    let r = json_of(&w, &link(&stamp.serial));
    assert_eq!(r["verdict"], "active");
    assert_eq!(r["warning"], false);
    assert_eq!(r["stamp"]["kind"], "qr");
    assert_eq!(r["stamp"]["verifiable"], false);
    let story = &r["story"];
    assert_eq!(story["product"]["name"], "速冻水饺");
    assert_eq!(story["product"]["gtin"], GTIN14);
    assert_eq!(story["product"]["target_markets"], json!(["CN", "VN"]));
    assert_eq!(story["producer"]["name"], "企业1");
    assert_eq!(story["producer"]["region_code"], "410102");
    assert_eq!(story["batch"]["lot"], LOT);
    assert_eq!(story["batch"]["production_date"], "2026-11-01");
    assert_eq!(story["origin"]["name"], "一号工厂");
    assert_eq!(story["route"], json!([]));
    // The canonical link of the scan is a valid GS1 Digital Link.
    let uri = r["uri"].as_str().unwrap();
    let parsed = parse_uri(uri, &Options::default()).unwrap();
    assert_eq!(parsed.get("21"), Some(stamp.serial.as_str()));

    // With the lot: the activated one is fine, another is a mismatch; GTIN-13 in the path too.
    let with_lot = format!("/01/{GTIN14}/10/{LOT}/21/{}", stamp.serial);
    assert_eq!(json_of(&w, &with_lot)["verdict"], "active");
    let other_lot = format!("/01/{GTIN14}/10/L9/21/{}", stamp.serial);
    let mismatch = json_of(&w, &other_lot);
    assert_eq!(mismatch["verdict"], "lot_mismatch");
    assert_eq!(mismatch["warning"], true);
    assert_eq!(
        json_of(&w, &format!("/01/{GTIN13}/21/{}", stamp.serial))["verdict"],
        "active"
    );

    // Pages: ?lang=, then Accept-Language; a browser's Accept gets the page.
    let page = |path: &str, language: &str| {
        let response =
            w.r.app
                .client()
                .get(w.r.app.url(path))
                .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
                .header("accept-language", language)
                .send()
                .unwrap();
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        response.text().unwrap()
    };
    let zh = page(&link(&stamp.serial), "zh-CN,zh;q=0.9");
    assert!(zh.contains("生产企业") && zh.contains("批次") && zh.contains("速冻水饺"));
    assert!(zh.contains("data-verdict=\"active\""));
    assert!(zh.contains("/portal/assets/portal.css"));
    let vi = page(&format!("{}?lang=vi", link(&stamp.serial)), "zh-CN");
    assert!(vi.contains("Nhà sản xuất") && vi.contains("Lô hàng"));
    let en = page(&link(&stamp.serial), "en-GB");
    assert!(en.contains("Producer") && en.contains("Origin site") && en.contains(LOT));
    let warned = page(&other_lot, "en");
    assert!(warned.contains("data-verdict=\"lot_mismatch\"") && warned.contains("role=\"alert\""));

    // Bad input names the field; nothing is logged for it.
    let before = {
        wait_for_scans(&w, 8);
        count_scans(&w)
    };
    let bad = assert_error(
        get(
            &w,
            &format!("/01/{}/21/{}", "06901234000017", stamp.serial),
            "application/json",
        ),
        400,
        "invalid_digital_link",
    );
    assert_eq!(bad["field"], "gtin");
    let bad = assert_error(
        get(
            &w,
            &format!("{}?lat=91&lon=3", link(&stamp.serial)),
            "application/json",
        ),
        422,
        "invalid_location",
    );
    assert_eq!(bad["field"], "lat");
    let bad = assert_error(
        get(
            &w,
            &format!("{}?country=XX", link(&stamp.serial)),
            "application/json",
        ),
        422,
        "invalid_country",
    );
    assert_eq!(bad["field"], "country");

    // The scan log: a keyed hash of the address, a coarse location, the verdict.
    json_of(
        &w,
        &format!(
            "{}?lat=34.7466&lon=113.6253&country=cn",
            link(&stamp.serial)
        ),
    );
    wait_for_scans(&w, before + 1);
    let (hash, lat, lon, country, verdict): (
        String,
        Option<f64>,
        Option<f64>,
        Option<String>,
        String,
    ) = stamp_scans::table
        .order(stamp_scans::id.desc())
        .select((
            stamp_scans::client_hash,
            stamp_scans::latitude,
            stamp_scans::longitude,
            stamp_scans::country,
            stamp_scans::verdict,
        ))
        .first(&mut *w.r.app.test_db().db().conn().unwrap())
        .unwrap();
    assert_eq!((lat, lon), (Some(34.7), Some(113.6)));
    assert_eq!(country.as_deref(), Some("CN"));
    assert_eq!(verdict, "active");
    assert_eq!(hash.len(), 32);
    assert!(!hash.contains("127.0.0.1"));
}

#[test]
fn verdicts_warnings_and_every_scan_alert() {
    let w = StampWorld::new(|c| {
        c.stamps.scan_limit = 4;
        c.stamps.max_travel_kmh = 900.0;
    });
    let fresh = w.issue("qr", 1).remove(0);
    let revoked = activated(&w, "qr");
    w.revoke(&revoked, "printed twice by mistake");
    let busy = activated(&w, "qr");
    let traveller = activated(&w, "qr");

    assert_eq!(
        json_of(&w, &link(&fresh.serial))["verdict"],
        "not_activated"
    );
    let r = json_of(&w, &link(&revoked.serial));
    assert_eq!(r["verdict"], "revoked");
    assert_eq!(r["stamp"]["revocation_reason"], "printed twice by mistake");
    let page = get(&w, &link(&revoked.serial), "text/html").text().unwrap();
    assert!(page.contains("revocation-reason") && page.contains("printed twice by mistake"));
    json_of(&w, &link(&revoked.serial));

    // Unknown serials under the product's GTIN: one alert for the day, to the producer's
    // department; a serial of ours under another GTIN is unknown too.
    for _ in 0..3 {
        let r = json_of(&w, &link(&StampWorld::unknown_serial()));
        assert_eq!(r["verdict"], "unknown_serial");
        assert!(r["story"].is_null() && r["stamp"].is_null());
    }
    let foreign = json_of(&w, &format!("/01/09506000134352/21/{}", busy.serial));
    assert_eq!(foreign["verdict"], "gtin_mismatch");
    assert!(foreign["story"].is_null());

    // More scans than the limit; two scans 1,500 km apart within seconds; a foreign market.
    for _ in 0..5 {
        json_of(&w, &link(&busy.serial));
    }
    json_of(
        &w,
        &format!("{}?lat=34.75&lon=113.62", link(&traveller.serial)),
    );
    json_of(
        &w,
        &format!("{}?lat=21.03&lon=105.85", link(&traveller.serial)),
    );
    json_of(
        &w,
        &format!("{}?lat=21.03&lon=105.85", link(&traveller.serial)),
    );
    json_of(&w, &format!("{}?country=US", link(&busy.serial)));
    json_of(&w, &format!("{}?country=VN", link(&traveller.serial)));
    wait_for_scans(&w, 17);
    std::thread::sleep(Duration::from_millis(100));

    let expect_one = |kind: &str, subject: Option<&str>| {
        let found = alerts_of(&w, kind);
        assert_eq!(found.len(), 1, "{kind}: {found:?}");
        assert_eq!(found[0].0, "410102", "{kind} goes to the producer's region");
        assert_eq!(found[0].1, "food", "{kind}");
        if let Some(serial) = subject {
            assert_eq!(found[0].2, format!("stamp:{serial}"), "{kind}");
        }
    };
    // Unknown serials under the product's GTIN go to its department; the serial of ours under
    // an unregistered GTIN to the administrators (no region).
    let mut unknown = alerts_of(&w, "stamp_unknown_serial");
    unknown.sort();
    assert_eq!(unknown.len(), 2, "{unknown:?}");
    assert_eq!((unknown[0].0.as_str(), unknown[0].1.as_str()), ("", ""));
    assert_eq!(
        (unknown[1].0.as_str(), unknown[1].1.as_str()),
        ("410102", "food")
    );
    expect_one("stamp_revoked_scanned", Some(&revoked.serial));
    expect_one("stamp_scan_limit", Some(&busy.serial));
    expect_one("stamp_implausible_travel", Some(&traveller.serial));
    expect_one("stamp_outside_market", Some(&busy.serial));
    // The competent officer sees them through the alerts API.
    let listed = body(w.r.get(&w.officer, "/api/v1/alerts"));
    let kinds: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["kind"].as_str())
        .collect();
    for kind in [
        "stamp_scan_limit",
        "stamp_implausible_travel",
        "stamp_outside_market",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
}

#[test]
fn reports_of_suspected_fakes_raise_one_alert_a_day() {
    let w = StampWorld::new(|_| {});
    let stamp = activated(&w, "qr");
    let report = |serial: &str, description: &str| {
        w.r.post(
            None,
            "/api/v1/public/stamps/fake-reports",
            json!({ "serial": serial, "description": description, "place": "金水区某超市" }),
        )
    };
    let first = report(&stamp.serial.to_lowercase(), "包装印刷模糊");
    assert_eq!(first.status(), 201);
    let first = body(first);
    assert_eq!(first["known_serial"], true);
    assert_eq!(first["serial"], stamp.serial.as_str());
    let second = body(report(&stamp.serial, "二维码贴纸是后贴的"));
    assert_eq!(second["alert_id"], first["alert_id"]);
    let found = alerts_of(&w, "stamp_fake_report");
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].0.as_str(), found[0].1.as_str()),
        ("410102", "food")
    );
    let bad = assert_error(report(&stamp.serial, "  "), 422, "invalid_description");
    assert_eq!(bad["field"], "description");
    let unknown = body(report(&StampWorld::unknown_serial(), "no such stamp"));
    assert_eq!(unknown["known_serial"], false);

    // The portal form: CSRF as registration, post/redirect/get with thanks.
    let visitor = Visitor::anonymous(&w.r.app);
    let path = format!("/portal/stamps/report?serial={}", stamp.serial);
    let page = visitor.page(&path);
    assert!(page.contains(&stamp.serial));
    let fields = [
        ("serial", stamp.serial.as_str()),
        ("description", "假货"),
        ("place", ""),
        ("contact", ""),
    ];
    let refused = visitor.post_without_token("/portal/stamps/report", &fields);
    assert_eq!(refused.status(), 403);
    let response = visitor.submit(&path, "/portal/stamps/report", &fields);
    assert_eq!(response.status(), 303);
    let thanks = visitor.page("/portal/stamps/report");
    assert!(thanks.contains("Thank you") || thanks.contains("谢谢") || thanks.contains("Cảm ơn"));
    let response = visitor.submit(
        &path,
        "/portal/stamps/report",
        &[("serial", ""), ("description", "x")],
    );
    assert_eq!(response.status(), 422);
    let html = response.text().unwrap();
    assert!(page_error_code(&html).is_none() || html.contains("serial"));
    let stored: i64 = stamp_fake_reports::table
        .count()
        .get_result(&mut *w.r.app.test_db().db().conn().unwrap())
        .unwrap();
    assert_eq!(stored, 4);
    // Each report is audited.
    let audited = body(w.r.get(&w.r.admin, "/api/v1/audit?limit=1000"));
    let n = audited
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "stamp.fake_report")
        .count();
    assert_eq!(n, 4, "{audited}");
}

#[test]
fn buffered_scans_are_written_at_shutdown() {
    let w = StampWorld::new(|_| {});
    let stamp = activated(&w, "qr");
    json_of(&w, &link(&stamp.serial));
    w.r.app.state.resolver.scans.shutdown();
    assert_eq!(count_scans(&w), 1);
    let (written, dropped) = w.r.app.state.resolver.scans.counts();
    assert_eq!((written, dropped), (1, 0));
}

/// Concurrent scans share batched reads: each answer is about its own serial (known, unknown,
/// the same serial scanned at once by several clients).
#[test]
fn concurrent_scans_each_get_their_own_stamp() {
    let w = StampWorld::new(|_| {});
    let stamps = w.issue("qr", 24);
    for stamp in &stamps[..12] {
        w.activate(stamp);
    }
    let unknown: Vec<String> = (0..6).map(|_| StampWorld::unknown_serial()).collect();
    let expected: Vec<(String, &str)> = stamps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let verdict = if i < 12 { "active" } else { "not_activated" };
            (s.serial.clone(), verdict)
        })
        .chain(unknown.iter().map(|s| (s.clone(), "unknown_serial")))
        .collect();
    std::thread::scope(|scope| {
        for client in 0..6 {
            let (w, expected) = (&w, &expected);
            scope.spawn(move || {
                // Each client scans everything, each starting at a different place.
                for k in 0..expected.len() {
                    let (serial, verdict) = &expected[(k + client * 3) % expected.len()];
                    let r = json_of(w, &link(serial));
                    assert_eq!(r["serial"], serial.as_str());
                    assert_eq!(r["verdict"], *verdict, "{serial}");
                }
            });
        }
    });
}

/// A stamp's page (with its verification form) does not replace the pre-session CSRF cookie an
/// open sign-in form depends on: the cookie is the site's, not only the portal's.
#[test]
fn a_stamp_page_keeps_an_open_sign_in_form_usable() {
    let w = StampWorld::new(|_| {});
    let stamp = activated(&w, "anti_counterfeit");
    let visitor = Visitor::anonymous(&w.r.app);
    let (status, login) = visitor.get("/portal/login");
    assert_eq!(status, 200);
    let token = csrf_of(&login);
    // In another tab, the consumer scans a stamp: its page has a form of its own.
    let (status, page) = visitor.get(&link(&stamp.serial));
    assert_eq!(status, 200);
    assert!(page.contains("csrf_token"), "{page}");
    // Back in the first tab, the sign-in form still posts.
    let fields = [("username", "ent1"), ("password", tracehub_tests::PASSWORD)];
    let answer = visitor.post_with_token("/portal/login", &token, &fields);
    assert_eq!(answer.status(), 303);
}

#[test]
fn a_code_scanned_past_the_limit_warns_the_consumer_and_escalates_to_the_department() {
    use registry::schema::alerts;

    let w = StampWorld::new(|c| c.stamps.scan_limit = 4);
    let stamp = activated(&w, "qr");
    let scan_until = |total: i64| {
        let mut last = Value::Null;
        let mut logged = count_scans(&w);
        while logged < total {
            last = json_of(&w, &link(&stamp.serial));
            logged += 1;
            wait_for_scans(&w, logged);
        }
        last
    };
    // Up to the limit the verdict is plain; past it the consumer is warned, the verdict stays.
    let fourth = scan_until(4);
    assert_eq!(
        (fourth["verdict"].as_str(), fourth["warning"].as_bool()),
        (Some("active"), Some(false))
    );
    assert_eq!(fourth["scanned_often"], false);
    let fifth = scan_until(5);
    assert_eq!(fifth["verdict"], "active");
    assert_eq!(
        (fifth["warning"].as_bool(), fifth["scanned_often"].as_bool()),
        (Some(true), Some(true))
    );
    let page = get(&w, &link(&stamp.serial), "text/html").text().unwrap();
    assert!(page.contains("id=\"scanned-often\""), "{page}");
    wait_for_scans(&w, 6);

    // The department hears of it past the limit, then again at two, four and eight times it.
    let severities = || -> Vec<(String, String)> {
        alerts::table
            .filter(alerts::kind.eq("stamp_scan_limit"))
            .order(alerts::id)
            .select((alerts::dedupe_key, alerts::severity))
            .load::<(Option<String>, String)>(&mut *w.r.app.test_db().db().conn().unwrap())
            .unwrap()
            .into_iter()
            .map(|(key, severity)| (key.unwrap_or_default(), severity))
            .collect()
    };
    let key = format!("stamp_scan_limit:{}", stamp.serial);
    scan_until(8);
    assert_eq!(severities(), [(key.clone(), "warning".to_owned())]);
    scan_until(9);
    scan_until(17);
    assert_eq!(
        severities(),
        [
            (key.clone(), "warning".to_owned()),
            (format!("{key}:x2"), "warning".to_owned()),
            (format!("{key}:x4"), "critical".to_owned()),
        ]
    );
    scan_until(30);
    assert_eq!(severities().len(), 3, "no alert between the steps");
}

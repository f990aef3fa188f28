//! The rare-earth adapter: monthly product-flow reports of a designated mine and smelter in
//! Ganzhou, a late and unbalanced one, and one by a mine nobody designated, delivered by the
//! industry department's system. The department designates and sets quotas through the API; the
//! reports' dates are moved to this month (and two months back for the late one) so that
//! lateness is judged against the hub's clock.

use chrono::{Datelike, Months};
use serde_json::{Value, json};
use tracehub_tests::fixtures::Registry;
use tracehub_tests::recall::{created, register};
use tracehub_tests::{assert_error, body};

use super::{alert_kinds, deliver, delivered, system_user, verify_receipt};

const SAMPLES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../adapters/samples/rare-earth"
);

/// A sample with its month (`2026-11` in the file) moved to `month`.
fn sample(name: &str, from: &str, month: &str) -> Vec<u8> {
    std::fs::read_to_string(format!("{SAMPLES}/{name}"))
        .unwrap()
        .replace(from, month)
        .into_bytes()
}

#[test]
fn flow_reports_designations_quotas_and_their_alerts() {
    let r = Registry::new();
    let officer = r.officer("officer-re", "360700", &["rare_earth"]);
    let parties = [
        (
            1,
            "360702",
            "6970001",
            "6970001000016",
            "farm",
            vec!["06970001000016"],
        ),
        (
            2,
            "360703",
            "6970002",
            "6970002000015",
            "factory",
            vec!["06970002000015", "06970002000022"],
        ),
        (3, "360704", "6970003", "6970003000014", "factory", vec![]),
        (
            4,
            "360781",
            "6970004",
            "6970004000013",
            "farm",
            vec!["06970004000013"],
        ),
    ];
    let mut ids = Vec::new();
    for (n, region, prefix, gln, kind, gtins) in parties {
        let (id, user) = register(&r, n, region, "rare_earth", prefix);
        r.approve(&officer, id);
        created(r.post(
            Some(&user),
            &format!("/api/v1/enterprises/{id}/sites"),
            json!({ "name": format!("site {gln}"), "kind": kind, "gln": gln, "address": "江西省赣州市" }),
        ));
        for gtin in gtins {
            created(r.post(
                Some(&user),
                &format!("/api/v1/enterprises/{id}/products"),
                json!({ "gtin": gtin, "name": "稀土产品", "category": "rare_earth" }),
            ));
        }
        ids.push(id);
    }
    let (mine, smelter) = (ids[0], ids[1]);
    let system = system_user(&r, "rare-earth-system", "rare_earth");

    // The department designates the mine and the smelter, and sets the smelter's quota.
    let today = r.app.today();
    let month = today.format("%Y-%m").to_string();
    let late = (today - Months::new(2)).format("%Y-%m").to_string();
    for (id, stage) in [(mine, "mining"), (smelter, "smelting")] {
        let done = r.post(
            Some(&officer),
            "/api/v1/rare-earth/designations",
            json!({ "enterprise_id": id, "stages": [stage] }),
        );
        assert_eq!(done.status(), 200);
    }
    let quota = r.post(
        Some(&officer),
        "/api/v1/rare-earth/quotas",
        json!({ "enterprise_id": smelter, "year": today.year(), "reo_kg": 30000.0 }),
    );
    assert_eq!(body(quota)["reo_kg"], 30000.0);
    assert_eq!(
        assert_error(
            r.post(
                Some(&officer),
                "/api/v1/rare-earth/quotas",
                json!({ "enterprise_id": smelter, "year": 1999, "reo_kg": 1.0 }),
            ),
            422,
            "invalid_number"
        )["field"],
        "year"
    );
    assert_eq!(
        body(r.get(&officer, "/api/v1/rare-earth/designations"))
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // The mine's month: nothing to say. The smelter's: over its quota.
    let report = |name: &str, from: &str, to: &str| -> Value {
        delivered(
            deliver(
                &r,
                &system,
                "rare-earth",
                name,
                sample(name, from, to),
                false,
            ),
            201,
        )
    };
    let mined = report("mine-2026-11.xml", "2026-11", &month);
    assert_eq!(
        (mined["records"].clone(), mined["alerts"].clone()),
        (json!(4), json!(0)),
        "{mined}"
    );
    let smelted = report("smelter-2026-11.xml", "2026-11", &month);
    assert_eq!(smelted["alerts"], 1, "{smelted}");
    verify_receipt(&r, &smelted);
    assert_eq!(alert_kinds(&r, &officer), ["rare_earth.quota"]);
    let lot = "https://id.gs1.org/01/06970002000015/10/P2611-01";
    let events = body(r.get(
        &r.admin,
        &format!(
            "/epcis/events?MATCH_epcClass={}",
            lot.replace(':', "%3A").replace('/', "%2F")
        ),
    ));
    let found = events["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(found, 3, "produced, shipped at home and exported");

    // Two months back, filed now, and more oxide out than in: late and unbalanced.
    let unbalanced = report("smelter-late-2026-09.xml", "2026-09", &late);
    assert_eq!(unbalanced["alerts"], 2, "{unbalanced}");
    // A mine nobody designated.
    let unlicensed = report("unlicensed-mine-2026-11.xml", "2026-11", &month);
    assert_eq!(unlicensed["alerts"], 1, "{unlicensed}");
    assert_eq!(
        alert_kinds(&r, &officer),
        [
            "rare_earth.late_report",
            "rare_earth.mass_balance",
            "rare_earth.not_designated",
            "rare_earth.quota"
        ]
    );

    // Withdrawn designations, and what cannot be designated.
    let withdrawn = r.post(
        Some(&officer),
        "/api/v1/rare-earth/designations",
        json!({ "enterprise_id": mine, "stages": [] }),
    );
    assert_eq!(withdrawn.status(), 204);
    assert_eq!(
        assert_error(
            r.post(
                Some(&officer),
                "/api/v1/rare-earth/designations",
                json!({ "enterprise_id": smelter, "stages": ["refining"] }),
            ),
            422,
            "invalid_choice"
        )["field"],
        "stages[0]"
    );
}

#[test]
fn bad_flows_and_an_unusable_root_write_nothing() {
    let r = Registry::new();
    let system = system_user(&r, "rare-earth-system", "rare_earth");
    let bad = std::fs::read(format!("{SAMPLES}/bad.xml")).unwrap();
    let rejected = delivered(
        deliver(&r, &system, "rare-earth", "bad.xml", bad, false),
        422,
    );
    let lines: Vec<(u64, String)> = rejected["delivery"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["error"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // The enterprise is not registered here: the report (line 2) and its one good flow (7) too.
    assert_eq!(
        lines,
        [
            (2, "unknown_enterprise".to_owned()),
            (4, "invalid_number".to_owned()),
            (5, "invalid_date".to_owned()),
            (6, "invalid_gtin".to_owned()),
            (7, "unknown_enterprise".to_owned()),
            (8, "invalid_xml".to_owned()),
            (9, "required".to_owned()),
        ]
    );
    let root = deliver(
        &r,
        &system,
        "rare-earth",
        "x.xml",
        b"<report/>".to_vec(),
        false,
    );
    assert_error(root, 422, "invalid_header");
}

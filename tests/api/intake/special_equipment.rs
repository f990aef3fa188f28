//! The special-equipment adapter: gas cylinders and an elevator in Zhengzhou through their
//! lifecycle (made, inspected, registered to a filling company, filled, installed, maintained,
//! scrapped), then a cylinder filled by a company it is not registered to, a scrapped one
//! filled again, and the elevator's overdue inspection found by the scheduled check.

use hub::ops::{self, Origin};
use serde_json::json;
use tracehub_tests::fixtures::Registry;
use tracehub_tests::recall::{created, register};
use tracehub_tests::{assert_error, body};

use super::{alert_kinds, deliver, delivered, system_user};

const SAMPLES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../adapters/samples/special-equipment"
);

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!("{SAMPLES}/{name}")).unwrap()
}

#[test]
fn equipment_lifecycles_and_their_alerts() {
    let r = Registry::new();
    let officer = r.officer("officer-se", "410100", &["special_equipment"]);
    for (n, region, prefix, gln) in [
        (1, "410102", "6981001", "6981001000012"),
        (2, "410105", "6981002", "6981002000011"),
        (3, "410103", "6981003", "6981003000010"),
        (4, "410105", "6981004", "6981004000019"),
    ] {
        let (id, user) = register(&r, n, region, "special_equipment", prefix);
        r.approve(&officer, id);
        created(r.post(
            Some(&user),
            &format!("/api/v1/enterprises/{id}/sites"),
            json!({ "name": format!("site {gln}"), "kind": "factory", "gln": gln, "address": "河南省郑州市" }),
        ));
    }
    let system = system_user(&r, "tezhong-system", "special_equipment");
    let send = |name: &str, status: u16| {
        delivered(
            deliver(&r, &system, "special-equipment", name, sample(name), false),
            status,
        )
    };

    let lifecycle = send("lifecycle.jsonl", 201);
    assert_eq!(
        (lifecycle["records"].clone(), lifecycle["alerts"].clone()),
        (json!(11), json!(0)),
        "{lifecycle}"
    );
    let cylinder = "https://id.gs1.org/8004/6981001231041001202600001";
    let found = body(r.get(
        &r.admin,
        &format!(
            "/epcis/events?MATCH_anyEPC={}",
            cylinder.replace(':', "%3A").replace('/', "%2F")
        ),
    ));
    let steps: Vec<&str> = found["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["bizStep"].as_str().unwrap())
        .collect();
    assert_eq!(steps.len(), 3, "made, inspected, filled: {steps:?}");

    // Filled by a station it is not registered to; a scrapped cylinder filled again.
    let alerting = send("alerts.jsonl", 201);
    assert_eq!(alerting["alerts"], 2, "{alerting}");
    assert_eq!(
        alert_kinds(&r, &officer),
        ["equipment.filled_unregistered", "equipment.scrapped_reused"]
    );

    // The scheduled check: the elevator's inspection was due on 2026-11-20; once only.
    let origin = Origin::operator(&r.app.state);
    assert_eq!(
        ops::equipment::overdue_inspections(&r.app.state, &origin).unwrap(),
        1
    );
    assert_eq!(
        ops::equipment::overdue_inspections(&r.app.state, &origin).unwrap(),
        0
    );
    let overdue = body(r.get(&officer, "/api/v1/alerts"))
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "equipment.inspection_overdue")
        .cloned()
        .unwrap();
    assert_eq!(overdue["subject"], "equipment:311041002202500007");
    assert_eq!(overdue["region_code"], "410105", "where it was last seen");

    // Bad lines: nothing written, each named; a record about unknown equipment is refused.
    let rejected = send("bad.jsonl", 422);
    let errors: Vec<(u64, String)> = rejected["delivery"]["errors"]
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
    assert_eq!(
        errors,
        [
            (1, "invalid_identifier".to_owned()),
            (2, "invalid_json".to_owned()),
            (3, "invalid_identifier".to_owned()),
            (4, "required".to_owned()),
            (6, "invalid_choice".to_owned()),
        ]
    );
    let unknown = br#"{"record":"maintain","code":"311041002202500099","at":"2026-11-02 08:30:00","company":"91410102000000019H","site_gln":"6981004000019"}"#;
    let refused = delivered(
        deliver(
            &r,
            &system,
            "special-equipment",
            "x.jsonl",
            unknown.to_vec(),
            false,
        ),
        422,
    );
    assert_eq!(
        refused["delivery"]["errors"][0]["error"],
        "unknown_equipment"
    );
    assert_error(
        deliver(&r, &system, "drugs", "x.csv", b"record\n".to_vec(), false),
        403,
        "capture_outside_category",
    );
}

//! The agri and food adapters, and one trace across them: a ranch's raw milk (agri) goes into a
//! formula maker's infant-formula batch and its cans (food). The rules: a banned pesticide, a
//! harvest inside its withdrawal interval and a lot shipped after a failed residue test (agri);
//! a batch from a recalled raw lot, from a blacklisted supplier, and shipped before its failed
//! certificate (food).

use serde_json::{Value, json};
use tracehub_tests::fixtures::Registry;
use tracehub_tests::recall::{created, register};
use tracehub_tests::{assert_error, body};

use super::{alert_kinds, deliver, delivered, system_user};

fn sample(adapter: &str, name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../adapters/samples/{adapter}/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn from_the_ranch_into_infant_formula_with_every_rule() {
    let r = Registry::new();
    let agri_officer = r.officer("officer-agri", "410100", &["edible_agri"]);
    let food_officer = r.officer("officer-food", "410100", &["food"]);
    let parties = [
        (
            1,
            "410122",
            "edible_agri",
            "6990001",
            "6990001000014",
            "farm",
            vec!["06990001000014", "06990001000021"],
        ),
        (
            2,
            "410122",
            "edible_agri",
            "6990002",
            "6990002000013",
            "farm",
            vec!["06990002000013"],
        ),
        (
            3,
            "410102",
            "food",
            "6990003",
            "6990003000012",
            "factory",
            vec!["06990003000012", "06990003000029"],
        ),
        (
            4,
            "410105",
            "food",
            "6990004",
            "6990004000011",
            "factory",
            vec!["06990004000011"],
        ),
    ];
    let mut ids = Vec::new();
    for (n, region, category, prefix, gln, kind, gtins) in parties {
        let (id, user) = register(&r, n, region, category, prefix);
        let officer = if category == "food" {
            &food_officer
        } else {
            &agri_officer
        };
        r.approve(officer, id);
        created(r.post(
            Some(&user),
            &format!("/api/v1/enterprises/{id}/sites"),
            json!({ "name": format!("site {gln}"), "kind": kind, "gln": gln, "address": "河南省郑州市" }),
        ));
        for gtin in gtins {
            created(r.post(
                Some(&user),
                &format!("/api/v1/enterprises/{id}/products"),
                json!({ "gtin": gtin, "name": "产品", "category": category }),
            ));
        }
        ids.push(id);
    }
    let agri = system_user(&r, "agri-system", "edible_agri");
    let food = system_user(&r, "food-system", "food");
    let send = |token: &str, adapter: &str, name: &str, status: u16| -> Value {
        delivered(
            deliver(&r, token, adapter, name, sample(adapter, name), false),
            status,
        )
    };

    // The chain, in order: nothing to say.
    let farmed = send(&agri, "agri", "records.csv", 201);
    assert_eq!(
        (farmed["records"].clone(), farmed["alerts"].clone()),
        (json!(13), json!(0)),
        "{farmed}"
    );
    let made = send(&food, "food", "records.csv", 201);
    assert_eq!(
        (made["records"].clone(), made["alerts"].clone()),
        (json!(5), json!(0)),
        "{made}"
    );

    // One trace back from a can of formula reaches the ranch's raw milk.
    let can = "https://id.gs1.org/01/06990003000029/10/IF20261105A-C";
    let trace = body(r.get(
        &r.admin,
        &format!(
            "/api/v1/trace?direction=backward&id={}",
            can.replace(':', "%3A").replace('/', "%2F")
        ),
    ));
    let nodes: Vec<&str> = trace["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(nodes.iter().any(|n| n.contains("RM20261102")), "{nodes:?}");
    assert!(nodes.iter().any(|n| n.contains("IF20261105A")), "{nodes:?}");

    // The department's banned list; a food officer may not keep it.
    let ban = json!({ "registration_number": "PD84101-5", "name": "甲胺磷",
                      "reason": "农业部公告第274号：2008年起全面禁止使用" });
    assert_eq!(
        r.post(
            Some(&agri_officer),
            "/api/v1/agri/banned-inputs",
            ban.clone()
        )
        .status(),
        200
    );
    assert_error(
        r.post(Some(&food_officer), "/api/v1/agri/banned-inputs", ban),
        403,
        "outside_jurisdiction",
    );
    let alerting = send(&agri, "agri", "alerts.csv", 201);
    assert_eq!(alerting["alerts"], 3, "{alerting}");
    assert_eq!(
        alert_kinds(&r, &agri_officer),
        [
            "agri.banned_input",
            "agri.failed_lot_shipped",
            "agri.withdrawal_interval"
        ]
    );

    // The raw milk recalled and the whey supplier blacklisted; then a batch from both, shipped
    // before its certificate failed.
    let recall = r.post(
        Some(&agri_officer),
        "/api/v1/recalls",
        json!({ "lots": ["https://id.gs1.org/01/06990001000014/10/RM20261102"], "hazard_class": "I",
                "reason": "生鲜乳黄曲霉毒素M1超标", "consumer_tip": "停止食用", "return_to": "购买门店" }),
    );
    assert_eq!(recall.status(), 201, "{}", recall.text().unwrap());
    let second = r.colleague("officer-food");
    r.blacklist(&food_officer, &second, ids[3]);
    let released = send(&food, "food", "alerts.csv", 201);
    assert_eq!(released["alerts"], 3, "{released}");
    assert_eq!(
        alert_kinds(&r, &food_officer),
        [
            "food.blacklisted_supplier",
            "food.failed_released",
            "food.recalled_input"
        ]
    );

    // Bad rows of either: nothing written.
    for adapter in ["agri", "food"] {
        let rejected = send(
            if adapter == "agri" { &agri } else { &food },
            adapter,
            "bad.csv",
            422,
        );
        assert_eq!(rejected["delivery"]["outcome"], "rejected");
    }
}

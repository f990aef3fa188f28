//! Regulator adapters' intake (issue 15), the drugs adapter: its sample files delivered by a
//! regulator system over HTTP and at the command line into a registered supply chain (a maker
//! and a pharmacy in Zhengzhou's Zhongyuan district, a distributor and a hospital in Erqi).
//! Records become EPCIS events one trace follows; the rules raise their alerts to the
//! competent department; receipts are signed; a file sent again changes nothing; bad records are
//! reported by line and column, and by default nothing of their file is written.

use clap::Parser;
use hub::cli::import::ImportCommand;
use hub::cli::{Cli, Command};
use reqwest::blocking::Response;
use serde_json::{Value, json};
use tracehub_tests::fixtures::Registry;
use tracehub_tests::portal::Visitor;
use tracehub_tests::recall::{created, register};
use tracehub_tests::{assert_error, body};

use super::{delivered, system_user, verify_receipt};

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../adapters/samples/drugs");

pub(super) fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!("{SAMPLES}/{name}")).unwrap()
}

/// The chain the samples speak of, a drug regulator's system and the drug officer of the city.
pub(super) struct Chain {
    pub r: Registry,
    pub officer: String,
    pub system: String,
    pharmacy_user: String,
}

fn chain() -> Chain {
    chain_with(|_| {})
}

/// The chain on a hub whose configuration `adjust` may change.
pub(super) fn chain_with(adjust: impl FnOnce(&mut hub::config::Config)) -> Chain {
    let r = Registry::spawn_with(adjust);
    let officer = r.officer("officer-drugs", "410100", &["drugs"]);
    let parties = [
        (1, "410102", "6923456", "6923456000018", "factory"),
        (2, "410103", "6934567", "6934567000019", "warehouse"),
        (3, "410103", "6945678", "6945678000010", "store"),
        (4, "410102", "6956789", "6956789000011", "store"),
    ];
    let mut users = Vec::new();
    for (n, region, prefix, gln, kind) in parties {
        let (id, user) = register(&r, n, region, "drugs", prefix);
        r.approve(&officer, id);
        created(r.post(
            Some(&user),
            &format!("/api/v1/enterprises/{id}/sites"),
            json!({ "name": format!("site {gln}"), "kind": kind, "gln": gln, "address": "河南省郑州市" }),
        ));
        if n == 1 {
            for (gtin, name) in [
                ("06923456000018", "阿莫西林胶囊"),
                ("06923456000025", "复方丹参片"),
                ("06923456000032", "Cefixim 200 mg viên nén (头孢克肟片)"),
            ] {
                created(r.post(
                    Some(&user),
                    &format!("/api/v1/enterprises/{id}/products"),
                    json!({ "gtin": gtin, "name": name, "category": "drugs" }),
                ));
            }
        }
        users.push(user);
    }
    let system = system_user(&r, "drug-system", "drugs");
    Chain {
        r,
        officer,
        system,
        pharmacy_user: users.pop().unwrap(),
    }
}

fn deliver(r: &Registry, token: &str, file: &str, skip_bad: bool) -> Response {
    super::deliver(r, token, "drugs", file, sample(file), skip_bad)
}

/// The bizSteps of the events naming `epc`, in time order.
fn steps(r: &Registry, epc: &str) -> Vec<String> {
    let found = body(r.get(
        &r.admin,
        &format!("/epcis/events?MATCH_anyEPC={}", urlencode(epc)),
    ));
    let mut events: Vec<&Value> = found["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    events.sort_by_key(|e| e["eventTime"].as_str().unwrap().to_owned());
    events
        .iter()
        .map(|e| e["bizStep"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn urlencode(s: &str) -> String {
    s.replace(':', "%3A").replace('/', "%2F")
}

const A1: &str = "https://id.gs1.org/01/06923456000018/21/86123450000000017391";

#[test]
fn drug_codes_from_the_line_to_the_patient_with_their_alerts() {
    let c = chain();
    let r = &c.r;

    let adapters = body(r.get(&c.officer, "/api/v1/intake/adapters"));
    assert!(
        adapters
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["name"] == "drugs" && a["category"] == "drugs")
    );

    let products = delivered(deliver(r, &c.system, "products.csv", false), 201);
    assert_eq!(
        (
            products["outcome"].clone(),
            products["records"].clone(),
            products["written"].clone()
        ),
        (json!("accepted"), json!(2), json!(2))
    );
    let flow = delivered(deliver(r, &c.system, "flow.csv", false), 201);
    assert_eq!(flow["outcome"], "accepted", "{flow}");
    assert_eq!(
        (flow["records"].clone(), flow["alerts"].clone()),
        (json!(15), json!(0))
    );
    verify_receipt(r, &flow);

    // Sent again, the file changes nothing: the first receipt comes back.
    let again = delivered(deliver(r, &c.system, "flow.csv", false), 200);
    assert_eq!(
        (again["replayed"].clone(), again["id"].clone()),
        (json!(true), flow["id"].clone())
    );

    // One trace: the pack from commissioning, through its case, to the hospital's dispensing.
    assert_eq!(steps(r, A1), ["commissioning", "packing", "dispensing",]);
    let case = steps(r, "https://id.gs1.org/00/069234560000000018");
    assert_eq!(case.iter().filter(|s| s.ends_with("shipping")).count(), 2);
    assert_eq!(case.iter().filter(|s| s.ends_with("receiving")).count(), 2);

    // The rules: A1 dispensed again, an expired pack sold, a pack recorded with another batch,
    // and a code nobody commissioned dispensed.
    let alerting = delivered(deliver(r, &c.system, "alerts.csv", false), 201);
    assert_eq!(alerting["alerts"], 4, "{alerting}");
    let alerts = body(r.get(&c.officer, "/api/v1/alerts"));
    let mut kinds: Vec<String> = alerts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap().to_owned())
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        [
            "drug_after_expiry",
            "drug_batch_mismatch",
            "drug_dispensed_twice",
            "drug_unknown_code"
        ]
    );
    let twice = alerts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "drug_dispensed_twice")
        .unwrap();
    assert_eq!(twice["subject"], format!("pack:{A1}"));
    assert_eq!(twice["region_code"], "410103");

    // The department sees the deliveries; the sender its own; others nothing.
    let listed = body(r.get(&c.officer, "/api/v1/intake/deliveries?adapter=drugs"));
    assert_eq!(listed.as_array().map(Vec::len), Some(3), "{listed}");
    let one = body(r.get(
        &c.officer,
        &format!("/api/v1/intake/deliveries/{}", flow["id"]),
    ));
    assert_eq!(one["receipt"], flow["receipt"]);
    assert_eq!(
        body(r.get(&c.system, "/api/v1/intake/deliveries"))
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let food = system_user(r, "food-system", "food");
    assert_eq!(
        body(r.get(&food, "/api/v1/intake/deliveries"))
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_error(
        r.get(&food, &format!("/api/v1/intake/deliveries/{}", flow["id"])),
        404,
        "not_found",
    );
    assert_error(
        deliver(r, &food, "flow.csv", false),
        403,
        "capture_outside_category",
    );

    // The portal: the department's deliveries, the open alerts by kind, a receipt.
    let officer_page = Visitor::signed_in(&r.app, "officer-drugs");
    let page = officer_page.page("/portal/intake");
    assert_eq!(page.matches("<tr data-delivery=").count(), 3, "{page}");
    assert!(
        page.contains(r#"<tr data-kind="drug_dispensed_twice">"#),
        "{page}"
    );
    let receipt = officer_page.page(&format!("/portal/intake/deliveries/{}", flow["id"]));
    assert!(receipt.contains(r#"id="receipt""#), "{receipt}");
    assert!(receipt.contains(flow["sha256"].as_str().unwrap()));
    assert_error(
        deliver(r, &c.pharmacy_user, "flow.csv", false),
        403,
        "forbidden",
    );
    let nobody = r
        .app
        .client()
        .post(r.app.url("/api/v1/intake/cosmetics/deliveries"))
        .bearer_auth(&c.system)
        .header("content-type", "text/csv")
        .body("record\n")
        .send()
        .unwrap();
    assert_error(nobody, 404, "not_found");
}

/// Runs `hub import drugs <args>` on the test hub: files refused, and the CSV report.
fn import(r: &Registry, args: &[&str]) -> (usize, String) {
    let cli = Cli::try_parse_from(["hub", "import", "drugs"].iter().chain(args)).unwrap();
    let Command::Import {
        command: ImportCommand::Drugs(delivery),
    } = cli.command
    else {
        panic!("not a drugs import");
    };
    let mut out = Vec::new();
    let adapter = adapters::regulators::find("drugs").unwrap();
    let refused = hub::cli::intake::run_on(&r.app.state, adapter, delivery, &mut out).unwrap();
    (refused, String::from_utf8(out).unwrap())
}

#[test]
fn bad_records_are_reported_and_by_default_nothing_is_written() {
    let c = chain();
    let r = &c.r;
    let path = |name: &str| format!("{SAMPLES}/{name}");
    let (refused, report) = import(
        r,
        &[
            &path("products.csv"),
            &path("flow.csv"),
            "--username",
            "drug-system",
        ],
    );
    assert_eq!((refused, report.lines().count()), (0, 1), "{report}");
    assert_eq!(steps(r, A1).len(), 3);

    // Four bad records of five: nothing written, each named by line and column.
    let line_4 = "https://id.gs1.org/01/06923456000018/21/86123450000000071111";
    let rejected = delivered(deliver(r, &c.system, "bad.csv", false), 422);
    assert_eq!(rejected["error"], "invalid_lines");
    let delivery = &rejected["delivery"];
    assert_eq!(delivery["outcome"], "rejected");
    verify_receipt(r, delivery);
    let errors: Vec<(u64, String, String)> = delivery["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
                e["error"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (2, "code".to_owned(), "invalid_identifier".to_owned()),
            (3, "site_gln".to_owned(), "invalid_gln".to_owned()),
            (5, "record".to_owned(), "invalid_choice".to_owned()),
            (6, "code".to_owned(), "unknown_product".to_owned()),
        ]
    );
    assert!(
        steps(r, line_4).is_empty(),
        "nothing of the file is written"
    );

    // At the command line the same; with --skip-bad the good record is written.
    let (refused, report) = import(r, &[&path("bad.csv"), "--username", "drug-system"]);
    assert_eq!((refused, report.lines().count()), (1, 5), "{report}");
    assert!(
        report.contains("bad.csv,3,site_gln,invalid_gln,"),
        "{report}"
    );
    assert!(steps(r, line_4).is_empty());
    let partial = delivered(deliver(r, &c.system, "bad.csv", true), 201);
    assert_eq!(
        (
            partial["outcome"].clone(),
            partial["written"].clone(),
            partial["refused"].clone()
        ),
        (json!("partial"), json!(1), json!(4))
    );
    assert_eq!(steps(r, line_4), ["commissioning"]);
    // Each bad record is told in the caller's language, the message as raised kept beside it;
    // the signed receipt stays as it was written.
    for (lang, expected) in [
        ("zh-CN", "GLN 无效：长度或校验位错误。"),
        ("vi", "GLN không hợp lệ: độ dài hoặc số kiểm tra sai."),
    ] {
        let told = body(
            r.app
                .client()
                .get(
                    r.app
                        .url(&format!("/api/v1/intake/deliveries/{}", partial["id"])),
                )
                .bearer_auth(&c.system)
                .header("accept-language", lang)
                .send()
                .unwrap(),
        );
        let gln = &told["errors"][1];
        assert_eq!(
            (gln["error"].as_str(), gln["message"].as_str()),
            (Some("invalid_gln"), Some(expected))
        );
        assert_eq!(gln["detail"], partial["errors"][1]["message"]);
        assert_eq!(told["receipt"], partial["receipt"]);
    }
    let english = body(r.get(
        &c.system,
        &format!("/api/v1/intake/deliveries/{}", partial["id"]),
    ));
    assert!(english["errors"][1]["detail"].is_null());
    assert_eq!(
        english["errors"][1]["message"],
        partial["errors"][1]["message"]
    );
    // With skip_bad, a file whose every record is bad writes nothing: it is rejected, not partial.
    let all_bad = r
        .app
        .client()
        .post(r.app.url("/api/v1/intake/drugs/deliveries?skip_bad=true"))
        .bearer_auth(&c.system)
        .header("content-type", "text/csv")
        .body("record,event_time,site_gln,code,batch,expiry,drug_id,gtin,name,approval_number\ncommission,2026-11-02 08:00:00,123,1,B1,2028-10-31,,,,\n")
        .send()
        .unwrap();
    let all_bad = delivered(all_bad, 422);
    assert_eq!(
        (
            all_bad["delivery"]["outcome"].clone(),
            all_bad["delivery"]["written"].clone()
        ),
        (json!("rejected"), json!(0))
    );
    // A header the adapter does not know is refused as a whole.
    let odd = r
        .app
        .client()
        .post(r.app.url("/api/v1/intake/drugs/deliveries"))
        .bearer_auth(&c.system)
        .header("content-type", "text/csv")
        .body("record,colour\nproduct,red\n")
        .send()
        .unwrap();
    assert_eq!(assert_error(odd, 422, "invalid_header")["field"], "colour");
}

//! Trace and recall over HTTP: the recall as JSON and as a sorted CSV, access per role and
//! jurisdiction, malformed queries named, the portal page; and the synthetic generator's events
//! captured through the real capture path.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use registry::epcis::event_hash;
use registry::identity::{self, NewUser, Role, Scope};
use registry::ids::gs1::check_digit;
use serde_json::{Value, json};
use tracehub_tests::fixtures::{Registry, registration};
use tracehub_tests::{PASSWORD, assert_error, body};

const CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

fn with_check(body: &str) -> String {
    format!("{body}{}", check_digit(body).unwrap())
}

struct Scene {
    r: Registry,
    farm: i64,
    farm_user: String,
    processor_user: String,
    a1: String,
    c1: String,
}

fn register(r: &Registry, n: u32, region: &str, cat: &str, prefix: &str) -> (i64, String) {
    let mut new = registration(n, region, &[cat]);
    new["company_prefix"] = json!(prefix);
    assert_eq!(r.post(None, "/api/v1/enterprises", new).status(), 201);
    let user = identity::find_user_by_name(
        &mut r.app.test_db().db().conn().unwrap(),
        &format!("ent{n}"),
    )
    .unwrap();
    let token = r.app.token_for(&user, &[Scope::Read, Scope::Write]);
    (user.enterprise_id.unwrap(), token)
}

fn created(response: reqwest::blocking::Response) -> i64 {
    assert_eq!(response.status(), 201);
    body(response)["id"].as_i64().unwrap()
}

/// A farm in Luoyang and a processor in Zhengzhou, registered and approved, with sites,
/// products and batches; lot A1 made into C1, its items cased, shipped to Vietnam and sold.
fn scene() -> Scene {
    let r = Registry::new();
    let (farm, farm_user) = register(&r, 1, "410302", "edible_agri", "6905678");
    let (processor, processor_user) = register(&r, 2, "410102", "food", "6901234");
    for (id, officer) in [
        (farm, r.officer("officer-ly", "410300", &["edible_agri"])),
        (processor, r.officer("officer-zz", "410100", &["food"])),
    ] {
        assert_eq!(
            r.post(
                Some(&officer),
                &format!("/api/v1/enterprises/{id}/approve"),
                json!({})
            )
            .status(),
            200
        );
    }
    let farm_gln = with_check("690567800001");
    let proc_gln = with_check("690123400001");
    let store_gln = with_check("690123400002");
    for (id, token, gln, kind) in [
        (farm, &farm_user, &farm_gln, "farm"),
        (processor, &processor_user, &proc_gln, "factory"),
        (processor, &processor_user, &store_gln, "store"),
    ] {
        created(r.post(
            Some(token),
            &format!("/api/v1/enterprises/{id}/sites"),
            json!({ "name": format!("site {gln}"), "kind": kind, "gln": gln, "address": "河南" }),
        ));
    }
    let farm_gtin = with_check("0690567800001");
    let proc_gtin = with_check("0690123400002");
    let raw = created(r.post(
        Some(&farm_user),
        &format!("/api/v1/enterprises/{farm}/products"),
        json!({ "gtin": farm_gtin, "name": "小麦", "category": "edible_agri" }),
    ));
    let made = created(r.post(
        Some(&processor_user),
        &format!("/api/v1/enterprises/{processor}/products"),
        json!({ "gtin": proc_gtin, "name": "面粉", "category": "food" }),
    ));
    let a1 = created(r.post(Some(&farm_user), &format!("/api/v1/enterprises/{farm}/batches"),
        json!({ "product_id": raw, "lot": "A1", "production_date": "2026-01-01", "quantity": 100.0, "unit": "kg" })));
    created(r.post(Some(&processor_user), &format!("/api/v1/enterprises/{processor}/batches"),
        json!({ "product_id": made, "lot": "C1", "production_date": "2026-01-03", "quantity": 80.0, "unit": "kg", "inputs": [a1] })));
    let lgtin_a = "urn:epc:class:lgtin:6905678.000001.A1";
    let lgtin_c = "urn:epc:class:lgtin:6901234.000002.C1";
    let (i1, i2) = (
        "urn:epc:id:sgtin:6901234.000002.1",
        "urn:epc:id:sgtin:6901234.000002.2",
    );
    let case = "urn:epc:id:sscc:6901234.0000000001";
    let sgln = |gln: &str| format!("https://id.gs1.org/414/{gln}");
    let pgln = |gln: &str| format!("https://id.gs1.org/417/{gln}");
    let vn = with_check("893000000001");
    let doc = json!({
        "@context": [CONTEXT], "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-01-01T00:00:00Z",
        "epcisBody": {"eventList": [
            {"type": "ObjectEvent", "eventTime": "2026-01-01T08:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "ADD",
             "bizStep": "commissioning", "bizLocation": {"id": sgln(&farm_gln)},
             "quantityList": [{"epcClass": lgtin_a, "quantity": 100, "uom": "KGM"}]},
            {"type": "ObjectEvent", "eventTime": "2026-01-02T08:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "OBSERVE",
             "bizStep": "shipping", "bizLocation": {"id": sgln(&farm_gln)},
             "quantityList": [{"epcClass": lgtin_a, "quantity": 100, "uom": "KGM"}],
             "sourceList": [{"type": "owning_party", "source": pgln(&farm_gln)}],
             "destinationList": [{"type": "owning_party", "destination": pgln(&proc_gln)}]},
            {"type": "TransformationEvent", "eventTime": "2026-01-03T08:00:00+08:00", "eventTimeZoneOffset": "+08:00",
             "bizStep": "commissioning", "bizLocation": {"id": sgln(&proc_gln)},
             "inputQuantityList": [{"epcClass": lgtin_a, "quantity": 100, "uom": "KGM"}],
             "outputQuantityList": [{"epcClass": lgtin_c, "quantity": 80, "uom": "KGM"}]},
            {"type": "ObjectEvent", "eventTime": "2026-01-04T08:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "ADD",
             "bizStep": "commissioning", "bizLocation": {"id": sgln(&proc_gln)}, "epcList": [i1, i2],
             "ilmd": {"cbvmda:lotNumber": "C1"}},
            {"type": "AggregationEvent", "eventTime": "2026-01-05T08:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "ADD",
             "bizStep": "packing", "bizLocation": {"id": sgln(&proc_gln)}, "parentID": case, "childEPCs": [i1, i2]},
            {"type": "ObjectEvent", "eventTime": "2026-01-06T08:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "OBSERVE",
             "bizStep": "shipping", "bizLocation": {"id": sgln(&proc_gln)}, "epcList": [case],
             "sourceList": [{"type": "owning_party", "source": pgln(&proc_gln)}],
             "destinationList": [{"type": "owning_party", "destination": pgln(&vn)}]},
            {"type": "ObjectEvent", "eventTime": "2026-01-08T08:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "OBSERVE",
             "bizStep": "retail_selling", "bizLocation": {"id": sgln(&store_gln)}, "epcList": [i1]}
        ]}
    });
    let response = r
        .app
        .client()
        .post(r.app.url("/epcis/capture"))
        .bearer_auth(&r.admin)
        .header("content-type", "application/ld+json")
        .body(doc.to_string())
        .send()
        .unwrap();
    assert_eq!(response.status(), 202);
    Scene {
        farm,
        farm_user,
        processor_user,
        a1: format!("https://id.gs1.org/01/{farm_gtin}/10/A1"),
        c1: format!("https://id.gs1.org/01/{proc_gtin}/10/C1"),
        r,
    }
}

fn enc(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).unwrap()[1..].to_owned()
}

/// A small RFC 4180 reader (quoted cells, doubled quotes, CRLF).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (mut rows, mut row, mut cell, mut quoted) = (Vec::new(), Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => cell.push(c),
        }
    }
    rows
}

#[test]
fn recall_as_json_and_sorted_csv_with_access_by_role() {
    let s = scene();
    let r = &s.r;
    let path = format!(
        "/api/v1/recall?lot={}",
        enc("urn:epc:class:lgtin:6905678.000001.A1")
    );
    let report = body(r.get(&r.admin, &path));
    assert_eq!(report["lot"], s.a1);
    let lots: Vec<&str> = report["lots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert!(
        lots.contains(&s.c1.as_str()) && lots.contains(&s.a1.as_str()),
        "{lots:?}"
    );
    assert_eq!(report["items"].as_array().unwrap().len(), 2);
    let countries: Vec<&str> = report["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    assert_eq!(countries, ["CN", "VN"]);
    assert_eq!(report["retailers"][0]["items"], 1);

    // The spreadsheet: the same rows, in the order asked for.
    let response = r
        .app
        .client()
        .get(r.app.url(&format!("{path}&sort=-event_time")))
        .bearer_auth(&r.admin)
        .header("accept", "text/csv")
        .send()
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let rows = parse_csv(&response.text().unwrap());
    assert_eq!(rows[0][0], "event_time");
    assert_eq!(rows.len() - 1, report["rows"].as_array().unwrap().len());
    let times: Vec<&str> = rows[1..].iter().map(|row| row[0].as_str()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
    let lot_col = rows[0].iter().position(|c| c == "lot").unwrap();
    let items_col = rows[0].iter().position(|c| c == "items").unwrap();
    let shipped = rows
        .iter()
        .find(|row| row[1] == "shipping" && row[lot_col] == s.c1)
        .unwrap();
    assert_eq!(shipped[items_col], "2");
    let csv = r
        .get(
            &r.admin,
            &format!(
                "/api/v1/recall.csv?lot={}&sort=country,event_time",
                enc(&s.a1)
            ),
        )
        .text()
        .unwrap();
    let rows = parse_csv(&csv);
    let country = rows[0].iter().position(|c| c == "country").unwrap();
    let countries: Vec<&str> = rows[1..].iter().map(|row| row[country].as_str()).collect();
    assert!(countries.windows(2).all(|w| w[0] <= w[1]), "{countries:?}");

    // Who may: officers in the producer's jurisdiction, the producer, inspectors, ministries.
    let zz = r.officer("officer-zz2", "410100", &["food"]);
    assert_eq!(
        r.get(&zz, &format!("/api/v1/recall?lot={}", enc(&s.c1)))
            .status(),
        200
    );
    assert_error(r.get(&zz, &path), 403, "outside_jurisdiction");
    let ly = r.officer("officer-ly2", "410300", &["edible_agri"]);
    assert_eq!(r.get(&ly, &path).status(), 200);
    assert_eq!(r.get(&s.farm_user, &path).status(), 200);
    assert_error(r.get(&s.processor_user, &path), 403, "not_own_object");
    for role in [Role::Inspector, Role::Ministry] {
        let token = r.app.token(&format!("reader-{role}"), role);
        assert_eq!(r.get(&token, &path).status(), 200, "{role}");
    }
    let system = r.app.token("adapter", Role::System);
    assert_error(r.get(&system, &path), 403, "forbidden");

    // Traces: forward from the farm (as itself), backward from an item.
    let t = body(r.get(
        &s.farm_user,
        &format!("/api/v1/trace?enterprise={}", s.farm),
    ));
    let nodes: Vec<&str> = t["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(nodes.contains(&s.c1.as_str()), "{nodes:?}");
    let t = body(r.get(
        &r.admin,
        &format!(
            "/api/v1/trace?direction=backward&id={}",
            enc("urn:epc:id:sgtin:6901234.000002.2")
        ),
    ));
    let nodes: Vec<&str> = t["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(nodes.contains(&s.a1.as_str()), "{nodes:?}");
    assert!(
        t["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "transform" && e["time"].is_string())
    );
}

#[test]
fn malformed_queries_name_the_parameter() {
    let s = scene();
    let r = &s.r;
    let field = |path: &str, status: u16, code: &str| -> Value {
        assert_error(r.get(&r.admin, path), status, code)["field"].clone()
    };
    assert_eq!(field("/api/v1/recall", 400, "invalid_query"), "lot");
    assert_eq!(
        field("/api/v1/recall?lot=not-a-lot", 422, "invalid_identifier"),
        "lot"
    );
    assert_eq!(
        field(
            &format!("/api/v1/recall?lot={}&sort=colour", enc(&s.a1)),
            422,
            "invalid_sort"
        ),
        "sort"
    );
    assert_eq!(
        field(
            &format!("/api/v1/recall?lot={}&format=pdf", enc(&s.a1)),
            400,
            "invalid_query"
        ),
        "format"
    );
    assert_eq!(
        field(
            &format!(
                "/api/v1/recall?lot={}",
                enc("urn:epc:id:sgtin:6901234.000002.1")
            ),
            422,
            "invalid_lot"
        ),
        "lot"
    );
    assert_eq!(field("/api/v1/trace", 400, "invalid_query"), "id");
    assert_eq!(
        field(
            &format!("/api/v1/trace?id={}&direction=sideways", enc(&s.a1)),
            400,
            "invalid_query"
        ),
        "direction"
    );
    assert_eq!(
        field(
            &format!("/api/v1/trace?id={}&colour=red", enc(&s.a1)),
            400,
            "invalid_query"
        ),
        "colour"
    );
    assert_eq!(
        field("/api/v1/trace?enterprise=abc", 400, "invalid_query"),
        "enterprise"
    );
    assert_eq!(
        field(
            &format!("/api/v1/trace?id={}&enterprise=1", enc(&s.a1)),
            400,
            "invalid_query"
        ),
        "id"
    );
    assert_eq!(
        field(
            &format!(
                "/api/v1/trace?id={}",
                enc("urn:epc:id:sgln:6901234.00001.0")
            ),
            422,
            "invalid_identifier"
        ),
        "id"
    );
    assert_error(
        r.get(
            &r.admin,
            &format!(
                "/api/v1/trace?id={}",
                enc("urn:epc:id:sgtin:6901234.000002.999")
            ),
        ),
        404,
        "not_found",
    );
}

#[test]
fn the_portal_shows_the_recall() {
    let s = scene();
    let r = &s.r;
    identity::create_user(
        &mut r.app.test_db().db().conn().unwrap(),
        r.app.now(),
        &NewUser {
            username: "inspector-li".into(),
            display_name: "Li".into(),
            email: None,
            password: Some(PASSWORD.into()),
            role: Role::Inspector,
            department_id: None,
            enterprise_id: None,
            locale: None,
            category: None,
        },
    )
    .unwrap();
    let client = r.app.client();
    r.app.login(&client, "inspector-li");
    assert_eq!(
        client
            .get(r.app.url("/portal/lang/zh-CN"))
            .send()
            .unwrap()
            .status(),
        303
    );
    let page = client
        .get(r.app.url(&format!("/portal/recall?lot={}", enc(&s.a1))))
        .send()
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().unwrap();
    assert!(
        html.contains("按国家") && html.contains("/api/v1/recall.csv?lot="),
        "{html}"
    );
    assert!(html.contains("VN"));
    let page = client
        .get(r.app.url("/portal/recall?lot=nonsense"))
        .send()
        .unwrap();
    assert_eq!(page.status(), 422);
}

#[test]
fn generated_events_are_valid_epcis_and_captured_whole() {
    let r = Registry::new();
    let mut events = Vec::new();
    let hash = hub::synth::generate(5, 1500, &mut |e| {
        events.push(e);
        Ok(())
    })
    .unwrap();
    assert_eq!(
        hash,
        hub::synth::generate(5, 1500, &mut |_| Ok(())).unwrap()
    );
    let header = registry::epcis::DocumentHeader {
        creation_date: chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").ok(),
        ..registry::epcis::DocumentHeader::default()
    };
    let xml = reports::epcis::xml::write_xml(Vec::new(), &header, &events).unwrap();
    let back = adapters::epcis::xml::parse_xml(&xml).unwrap();
    for (a, b) in events.iter().zip(&back.events) {
        assert_eq!(event_hash(a), event_hash(b));
    }
    let json = reports::epcis::json::write_json(Vec::new(), &header, &events).unwrap();
    let response = r
        .app
        .client()
        .post(r.app.url("/epcis/capture"))
        .bearer_auth(&r.admin)
        .header("content-type", "application/ld+json")
        .body(json)
        .send()
        .unwrap();
    assert_eq!(response.status(), 202);
    let job = body(response);
    assert_eq!(
        (job["event_count"].as_i64(), job["stored_count"].as_i64()),
        (Some(1500), Some(1500))
    );
}

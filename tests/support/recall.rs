//! A recall scene shared by the API and portal tests: a farm in Luoyang, a processor in
//! Zhengzhou shipping to Viet Nam, their officers, a stamp on the farm's lot A1 and the EPCIS
//! events of the chain.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test fixtures: a failed setup fails the test"
)]

use registry::identity::{self, Scope};
use registry::ids::gs1::check_digit;
use serde_json::{Value, json};

use crate::body;
use crate::fixtures::{Registry, registration};

const CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

pub fn with_check(body: &str) -> String {
    format!("{body}{}", check_digit(body).unwrap())
}

pub fn register(r: &Registry, n: u32, region: &str, cat: &str, prefix: &str) -> (i64, String) {
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

pub fn created(response: reqwest::blocking::Response) -> Value {
    let status = response.status();
    let b = body(response);
    assert_eq!(status, 201, "{b}");
    b
}

pub fn capture(r: &Registry, events: Vec<Value>) {
    let doc = json!({
        "@context": [CONTEXT], "type": "EPCISDocument", "schemaVersion": "2.0",
        "creationDate": "2026-01-01T00:00:00Z", "epcisBody": {"eventList": events}
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
}

pub fn sgln(gln: &str) -> String {
    format!("https://id.gs1.org/414/{gln}")
}
pub fn pgln(gln: &str) -> String {
    format!("https://id.gs1.org/417/{gln}")
}

/// A supply chain over two regions and a border, ready for a recall case.
pub struct Scene {
    pub r: Registry,
    pub farm: i64,
    pub processor: i64,
    pub farm_user: String,
    pub processor_user: String,
    pub ly: String,
    pub zz: String,
    pub a1: String,
    pub farm_gtin: String,
    pub serial: String,
}

/// The farm (Luoyang) files lot A1 and activates a stamp on it; the processor (Zhengzhou) makes
/// C1 from it, cases two items and ships the case to Viet Nam, selling one at its store.
pub fn scene(r: Registry) -> Scene {
    let (farm, farm_user) = register(&r, 1, "410302", "edible_agri", "6905678");
    let (processor, processor_user) = register(&r, 2, "410102", "food", "6901234");
    let ly = r.officer("officer-ly", "410300", &["edible_agri", "food"]);
    let zz = r.officer("officer-zz", "410100", &["food", "edible_agri"]);
    r.approve(&ly, farm);
    r.approve(&zz, processor);
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
    ))["id"]
        .as_i64()
        .unwrap();
    let made = created(r.post(
        Some(&processor_user),
        &format!("/api/v1/enterprises/{processor}/products"),
        json!({ "gtin": proc_gtin, "name": "面粉", "category": "food" }),
    ))["id"]
        .as_i64()
        .unwrap();
    let a1 = created(r.post(Some(&farm_user), &format!("/api/v1/enterprises/{farm}/batches"),
        json!({ "product_id": raw, "lot": "A1", "production_date": "2026-01-01", "quantity": 100.0, "unit": "kg" })))["id"].as_i64().unwrap();
    created(r.post(Some(&processor_user), &format!("/api/v1/enterprises/{processor}/batches"),
        json!({ "product_id": made, "lot": "C1", "production_date": "2026-01-03", "quantity": 80.0, "unit": "kg", "inputs": [a1] })));
    // A stamp on lot A1.
    let order = created(r.post(
        Some(&ly),
        "/api/v1/stamp-orders",
        json!({ "enterprise_id": farm, "product_id": raw, "quantity": 1, "kind": "qr" }),
    ))["id"]
        .as_i64()
        .unwrap();
    let page = body(r.get(&ly, &format!("/api/v1/stamp-orders/{order}/stamps")));
    let serial = page["items"][0]["serial"].as_str().unwrap().to_owned();
    let activated = r.post(
        Some(&farm_user),
        &format!("/api/v1/stamps/{serial}/activate"),
        json!({ "batch_id": a1 }),
    );
    assert_eq!(activated.status(), 200, "{}", activated.text().unwrap());
    let lgtin_a = "urn:epc:class:lgtin:6905678.000001.A1";
    let lgtin_c = "urn:epc:class:lgtin:6901234.000002.C1";
    let (i1, i2) = (
        "urn:epc:id:sgtin:6901234.000002.1",
        "urn:epc:id:sgtin:6901234.000002.2",
    );
    let case = "urn:epc:id:sscc:6901234.0000000001";
    let vn = with_check("893000000001");
    capture(
        &r,
        vec![
            json!({"type": "ObjectEvent", "eventTime": "2026-01-01T08:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "ADD",
         "bizStep": "commissioning", "bizLocation": {"id": sgln(&farm_gln)},
         "quantityList": [{"epcClass": lgtin_a, "quantity": 100, "uom": "KGM"}]}),
            json!({"type": "ObjectEvent", "eventTime": "2026-01-02T08:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "OBSERVE",
         "bizStep": "shipping", "bizLocation": {"id": sgln(&farm_gln)},
         "quantityList": [{"epcClass": lgtin_a, "quantity": 100, "uom": "KGM"}],
         "sourceList": [{"type": "owning_party", "source": pgln(&farm_gln)}],
         "destinationList": [{"type": "owning_party", "destination": pgln(&proc_gln)}]}),
            json!({"type": "TransformationEvent", "eventTime": "2026-01-03T08:00:00+08:00", "eventTimeZoneOffset": "+08:00",
         "bizStep": "commissioning", "bizLocation": {"id": sgln(&proc_gln)},
         "inputQuantityList": [{"epcClass": lgtin_a, "quantity": 100, "uom": "KGM"}],
         "outputQuantityList": [{"epcClass": lgtin_c, "quantity": 80, "uom": "KGM"}]}),
            json!({"type": "ObjectEvent", "eventTime": "2026-01-04T08:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "ADD",
         "bizStep": "commissioning", "bizLocation": {"id": sgln(&proc_gln)}, "epcList": [i1, i2],
         "ilmd": {"cbvmda:lotNumber": "C1"}}),
            json!({"type": "AggregationEvent", "eventTime": "2026-01-05T08:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "ADD",
         "bizStep": "packing", "bizLocation": {"id": sgln(&proc_gln)}, "parentID": case, "childEPCs": [i1, i2]}),
            json!({"type": "ObjectEvent", "eventTime": "2026-01-06T08:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "OBSERVE",
         "bizStep": "shipping", "bizLocation": {"id": sgln(&proc_gln)}, "epcList": [case],
         "sourceList": [{"type": "owning_party", "source": pgln(&proc_gln)}],
         "destinationList": [{"type": "owning_party", "destination": pgln(&vn)}]}),
            json!({"type": "ObjectEvent", "eventTime": "2026-01-08T08:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "OBSERVE",
         "bizStep": "retail_selling", "bizLocation": {"id": sgln(&store_gln)}, "epcList": [i1]}),
        ],
    );
    Scene {
        farm,
        processor,
        farm_user,
        processor_user,
        ly,
        zz,
        a1: format!("https://id.gs1.org/01/{farm_gtin}/10/A1"),
        farm_gtin,
        serial,
        r,
    }
}

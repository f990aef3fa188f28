//! The EPCIS capture policy over HTTP, on both databases: an enterprise captures only at its
//! own sites, about its own products or what it received; regulator systems only for their
//! category; reads scoped by role and jurisdiction; unregistered GLNs warned or refused.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use crate::common::{all_events, count, enc, post, times};
use registry::events::policy::UnregisteredGln;
use registry::identity::{self, Role, Scope};
use registry::ids::gs1::check_digit;
use reqwest::blocking::Response;
use serde_json::{Value, json};
use tracehub_tests::fixtures::{Registry, registration};
use tracehub_tests::{assert_error, body};

const CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

fn with_check(body: &str) -> String {
    format!("{body}{}", check_digit(body).unwrap())
}

fn sgln(gln: &str) -> String {
    format!("https://id.gs1.org/414/{gln}")
}

fn pgln(gln: &str) -> String {
    format!("https://id.gs1.org/417/{gln}")
}

fn lot(gtin: &str, lot: &str) -> String {
    format!("https://id.gs1.org/01/{gtin}/10/{lot}")
}

/// A farm (Luoyang, edible agricultural products) and a processor (Zhengzhou, food), approved,
/// each with a site and a product; their officers and an officer elsewhere.
struct Scene {
    r: Registry,
    farm: String,
    processor: String,
    farm_gln: String,
    proc_gln: String,
    farm_gtin: String,
    proc_gtin: String,
    officer_ly: String,
    officer_zz: String,
    officer_elsewhere: String,
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

fn created(response: Response) -> i64 {
    assert_eq!(response.status(), 201);
    body(response)["id"].as_i64().unwrap()
}

fn scene_with(mode: UnregisteredGln) -> Scene {
    let r = Registry::spawn_with(|c| c.epcis.unregistered_gln = mode);
    let (farm_id, farm) = register(&r, 1, "410302", "edible_agri", "6905678");
    let (proc_id, processor) = register(&r, 2, "410102", "food", "6901234");
    let officer_ly = r.officer("officer-ly", "410300", &["edible_agri"]);
    let officer_zz = r.officer("officer-zz", "410100", &["food"]);
    let officer_elsewhere = r.officer("officer-ay", "410500", &["food", "edible_agri"]);
    r.approve(&officer_ly, farm_id);
    r.approve(&officer_zz, proc_id);
    let farm_gln = with_check("690567800001");
    let proc_gln = with_check("690123400001");
    for (id, token, gln, kind) in [
        (farm_id, &farm, &farm_gln, "farm"),
        (proc_id, &processor, &proc_gln, "factory"),
    ] {
        created(r.post(
            Some(token),
            &format!("/api/v1/enterprises/{id}/sites"),
            json!({ "name": format!("site {gln}"), "kind": kind, "gln": gln, "address": "河南" }),
        ));
    }
    let farm_gtin = with_check("0690567800001");
    let proc_gtin = with_check("0690123400002");
    created(r.post(
        Some(&farm),
        &format!("/api/v1/enterprises/{farm_id}/products"),
        json!({ "gtin": farm_gtin, "name": "小麦", "category": "edible_agri" }),
    ));
    created(r.post(
        Some(&processor),
        &format!("/api/v1/enterprises/{proc_id}/products"),
        json!({ "gtin": proc_gtin, "name": "面粉", "category": "food" }),
    ));
    Scene {
        r,
        farm,
        processor,
        farm_gln,
        proc_gln,
        farm_gtin,
        proc_gtin,
        officer_ly,
        officer_zz,
        officer_elsewhere,
    }
}

fn scene() -> Scene {
    scene_with(UnregisteredGln::Warn)
}

/// An ObjectEvent at `site` about `class` (a quantity), on day `day` of January.
fn at(site: &str, class: &str, day: u32) -> Value {
    json!({"type": "ObjectEvent", "eventTime": format!("2026-01-{day:02}T08:00:00+08:00"),
        "eventTimeZoneOffset": "+08:00", "action": "OBSERVE", "bizStep": "storing",
        "bizLocation": {"id": sgln(site)},
        "quantityList": [{"epcClass": class, "quantity": 10, "uom": "KGM"}]})
}

fn doc(events: Vec<Value>) -> String {
    json!({"@context": [CONTEXT], "type": "EPCISDocument", "schemaVersion": "2.0",
        "creationDate": "2026-01-01T00:00:00Z", "epcisBody": {"eventList": events}})
    .to_string()
}

fn capture(s: &Scene, token: &str, events: Vec<Value>) -> Response {
    post(
        &s.r.app,
        token,
        "/epcis/capture",
        "application/ld+json",
        doc(events).into(),
    )
}

/// Asserts a refusal naming `field`, and that nothing was written.
#[track_caller]
fn refused(s: &Scene, response: Response, status: u16, code: &str, field: &str) {
    let (events, jobs) = (count(&s.r.app, "events"), count(&s.r.app, "jobs"));
    let error = assert_error(response, status, code);
    assert_eq!(error["field"], field, "{error}");
    assert_eq!(
        (count(&s.r.app, "events"), count(&s.r.app, "jobs")),
        (events, jobs)
    );
}

#[test]
fn an_enterprise_captures_at_its_sites_about_its_products_and_what_it_received() {
    let s = scene();
    let a1 = lot(&s.farm_gtin, "A1");
    let c1 = lot(&s.proc_gtin, "C1");
    // Its own product at its own site: accepted.
    let response = capture(&s, &s.processor, vec![at(&s.proc_gln, &c1, 1)]);
    assert_eq!(response.status(), 202);
    assert_eq!(count(&s.r.app, "events"), 1);
    // At another's site (the second event): refused, naming it, and the first is not written.
    let response = capture(
        &s,
        &s.processor,
        vec![at(&s.proc_gln, &c1, 2), at(&s.farm_gln, &c1, 2)],
    );
    refused(
        &s,
        response,
        403,
        "capture_not_own_site",
        "events[1].bizLocation",
    );
    // About another's product (an item of the farm's GTIN).
    let item = format!("https://id.gs1.org/01/{}/21/7", s.farm_gtin);
    let mut about_item = at(&s.proc_gln, &c1, 2);
    about_item["epcList"] = json!([item]);
    let response = capture(&s, &s.processor, vec![about_item]);
    refused(
        &s,
        response,
        403,
        "capture_not_own_product",
        "events[0].epcList[0]",
    );
    // About a lot it never received.
    let response = capture(&s, &s.processor, vec![at(&s.proc_gln, &a1, 5)]);
    refused(
        &s,
        response,
        403,
        "capture_not_own_product",
        "events[0].quantityList[0].epcClass",
    );
    // The farm ships lot A1 to the processor on the 3rd.
    let mut shipping = at(&s.farm_gln, &a1, 3);
    shipping["bizStep"] = json!("shipping");
    shipping["sourceList"] = json!([{"type": "owning_party", "source": pgln(&s.farm_gln)}]);
    shipping["destinationList"] =
        json!([{"type": "owning_party", "destination": pgln(&s.proc_gln)}]);
    assert_eq!(capture(&s, &s.farm, vec![shipping]).status(), 202);
    // Now the processor captures about A1 (from the 3rd on), and transforms it into C1.
    let transform = json!({"type": "TransformationEvent", "eventTime": "2026-01-06T08:00:00+08:00",
        "eventTimeZoneOffset": "+08:00", "bizStep": "commissioning", "bizLocation": {"id": sgln(&s.proc_gln)},
        "inputQuantityList": [{"epcClass": a1, "quantity": 10, "uom": "KGM"}],
        "outputQuantityList": [{"epcClass": c1, "quantity": 8, "uom": "KGM"}]});
    let response = capture(&s, &s.processor, vec![at(&s.proc_gln, &a1, 5), transform]);
    assert_eq!(response.status(), 202);
    assert_eq!(body(response)["stored_count"], 2);
    // Not before it was shipped.
    let response = capture(&s, &s.processor, vec![at(&s.proc_gln, &a1, 2)]);
    refused(
        &s,
        response,
        403,
        "capture_not_own_product",
        "events[0].quantityList[0].epcClass",
    );
    // The farm may not capture about the processor's lot, nor at its site.
    let response = capture(&s, &s.farm, vec![at(&s.farm_gln, &c1, 7)]);
    refused(
        &s,
        response,
        403,
        "capture_not_own_product",
        "events[0].quantityList[0].epcClass",
    );
    // A receiving event naming the processor as destination is its own record of a receipt.
    let a2 = lot(&s.farm_gtin, "A2");
    let mut receiving = at(&s.proc_gln, &a2, 8);
    receiving["bizStep"] = json!("receiving");
    receiving["destinationList"] =
        json!([{"type": "owning_party", "destination": pgln(&s.proc_gln)}]);
    assert_eq!(capture(&s, &s.processor, vec![receiving]).status(), 202);
    // The single-event route holds to the same rules.
    let response = post(
        &s.r.app,
        &s.processor,
        "/epcis/events",
        "application/ld+json",
        {
            let mut e = at(&s.farm_gln, &c1, 9);
            e["@context"] = json!([CONTEXT]);
            e.to_string().into()
        },
    );
    refused(
        &s,
        response,
        403,
        "capture_not_own_site",
        "events[0].bizLocation",
    );
}

/// A system user of `category` (through the API) and its token.
fn adapter(s: &Scene, name: &str, category: Option<&str>) -> String {
    let response = s.r.post(
        Some(&s.r.admin),
        "/api/v1/users",
        json!({"username": name, "display_name": name, "role": "system", "category": category}),
    );
    assert_eq!(response.status(), 201);
    assert_eq!(body(response)["category"], json!(category));
    let user =
        identity::find_user_by_name(&mut s.r.app.test_db().db().conn().unwrap(), name).unwrap();
    s.r.app.token_for(&user, &[Scope::Read, Scope::Write])
}

#[test]
fn regulator_systems_capture_for_their_category() {
    let s = scene();
    let food = adapter(&s, "food-adapter", Some("food"));
    let agri = adapter(&s, "agri-adapter", Some("edible_agri"));
    let none = adapter(&s, "old-adapter", None);
    let a1 = lot(&s.farm_gtin, "A1");
    let c1 = lot(&s.proc_gtin, "C1");
    let response = capture(
        &s,
        &food,
        vec![at(&s.proc_gln, &c1, 1), at(&s.farm_gln, &a1, 1)],
    );
    refused(
        &s,
        response,
        403,
        "capture_outside_category",
        "events[1].quantityList[0].epcClass",
    );
    // An SSCC of the farm's company prefix: the farm's categories decide.
    let pallet = format!("https://id.gs1.org/00/{}", with_check("06905678000000001"));
    let mut shipped = at(&s.farm_gln, &a1, 2);
    shipped["epcList"] = json!([pallet]);
    let response = capture(&s, &food, vec![shipped.clone()]);
    refused(
        &s,
        response,
        403,
        "capture_outside_category",
        "events[0].epcList[0]",
    );
    assert_eq!(
        capture(&s, &food, vec![at(&s.proc_gln, &c1, 1)]).status(),
        202
    );
    assert_eq!(capture(&s, &agri, vec![shipped]).status(), 202);
    let response = capture(&s, &none, vec![at(&s.proc_gln, &c1, 3)]);
    assert_error(response, 403, "capture_no_category");
    // A category binds only system users.
    let response = s.r.post(
        Some(&s.r.admin),
        "/api/v1/users",
        json!({"username": "someone", "display_name": "x", "role": "inspector", "category": "food"}),
    );
    assert_eq!(
        assert_error(response, 422, "binding_not_allowed")["field"],
        "category"
    );
    // The food adapter reads the food events and what it captured, not the farm's.
    let seen = event_count(&s, &food);
    assert_eq!(seen, 1);
    assert_eq!(event_count(&s, &agri), 1);
}

fn event_count(s: &Scene, token: &str) -> usize {
    all_events(&s.r.app, token, false, 1000).len()
}

#[test]
fn reads_follow_roles_and_jurisdiction() {
    let s = scene();
    let a1 = lot(&s.farm_gtin, "A1");
    let c1 = lot(&s.proc_gtin, "C1");
    let imported = lot(&with_check("0893000000001"), "X");
    // Captured by the administrator: at the farm, at the processor, and an import elsewhere.
    let response = capture(
        &s,
        &s.r.admin,
        vec![
            at(&s.farm_gln, &a1, 1),
            at(&s.proc_gln, &c1, 2),
            at(&with_check("893000000002"), &imported, 3),
        ],
    );
    assert_eq!(response.status(), 202);
    let job = body(response)["id"].as_i64().unwrap();
    let admin_count = event_count(&s, &s.r.admin);
    assert_eq!(admin_count, 3);
    let inspector = s.r.app.token("inspector", Role::Inspector);
    assert_eq!(event_count(&s, &inspector), 3);
    assert_eq!(event_count(&s, &s.officer_ly), 1);
    assert_eq!(event_count(&s, &s.officer_zz), 1);
    assert_eq!(event_count(&s, &s.officer_elsewhere), 0);
    assert_eq!(event_count(&s, &s.farm), 1);
    assert_eq!(event_count(&s, &s.processor), 1);
    // What the processor captures itself, it reads; so does the Zhengzhou officer.
    assert_eq!(
        capture(&s, &s.processor, vec![at(&s.proc_gln, &c1, 4)]).status(),
        202
    );
    assert_eq!(event_count(&s, &s.processor), 2);
    assert_eq!(event_count(&s, &s.officer_zz), 2);
    assert_eq!(event_count(&s, &s.officer_elsewhere), 0);
    // An import seen at the processor's site (bizLocation) and another at the farm (readPoint
    // only): each is read by the officer of that site's region alone.
    let mut at_farm = at(&with_check("893000000002"), &imported, 5);
    at_farm["readPoint"] = json!({"id": sgln(&s.farm_gln)});
    assert_eq!(
        capture(&s, &s.r.admin, vec![at(&s.proc_gln, &imported, 5), at_farm]).status(),
        202
    );
    assert_eq!(event_count(&s, &s.officer_zz), 3);
    assert_eq!(event_count(&s, &s.officer_ly), 2);
    assert_eq!(event_count(&s, &s.officer_elsewhere), 0);
    // A filter and a scope together.
    let query = format!("EQ_bizLocation={}", enc(&sgln(&s.farm_gln)));
    assert_eq!(times(&s.r.app, &s.officer_ly, &query), ["010100"]);
    assert!(times(&s.r.app, &s.officer_zz, &query).is_empty());
    // Jobs: the administrator's job is not an enterprise's nor in a jurisdiction.
    let path = format!("/epcis/capture/{job}");
    assert_eq!(s.r.get(&inspector, &path).status(), 200);
    assert_eq!(s.r.get(&s.officer_zz, &path).status(), 404);
    assert_eq!(s.r.get(&s.processor, &path).status(), 404);
}

#[test]
fn capture_jobs_of_an_enterprise_are_read_within_the_jurisdiction() {
    let s = scene();
    let c1 = lot(&s.proc_gtin, "C1");
    let response = capture(&s, &s.processor, vec![at(&s.proc_gln, &c1, 1)]);
    assert_eq!(response.status(), 202);
    let path = format!("/epcis/capture/{}", body(response)["id"]);
    assert_eq!(s.r.get(&s.processor, &path).status(), 200);
    assert_eq!(s.r.get(&s.officer_zz, &path).status(), 200);
    assert_eq!(s.r.get(&s.officer_elsewhere, &path).status(), 404);
    assert_eq!(s.r.get(&s.farm, &path).status(), 404);
}

#[test]
fn unregistered_glns_are_warnings_by_default() {
    let s = scene();
    let c1 = lot(&s.proc_gtin, "C1");
    let vn = with_check("893000000001");
    let unknown_cn = with_check("690999900001");
    let mut shipped = at(&s.proc_gln, &c1, 2);
    shipped["bizStep"] = json!("shipping");
    shipped["sourceList"] = json!([{"type": "owning_party", "source": pgln(&s.proc_gln)}]);
    shipped["destinationList"] = json!([
        {"type": "owning_party", "destination": pgln(&s.farm_gln)},
        {"type": "location", "destination": sgln(&vn)}
    ]);
    let mut odd = at(&s.proc_gln, &c1, 3);
    odd["readPoint"] = json!({"id": sgln(&unknown_cn)});
    let response = capture(&s, &s.r.admin, vec![at(&s.proc_gln, &c1, 1), shipped, odd]);
    assert_eq!(response.status(), 202);
    let outcome = body(response);
    assert_eq!(outcome["stored_count"], 3);
    assert_eq!(outcome["warning_count"], 2);
    assert_eq!(
        outcome["warnings"],
        json!([
            {"code": "unregistered_gln", "event_index": 1,
             "field": "events[1].destinationList[1].destination", "gln": vn, "country": "VN"},
            {"code": "unregistered_gln", "event_index": 2, "field": "events[2].readPoint",
             "gln": unknown_cn, "country": "CN"}
        ])
    );
    // The job status repeats them.
    let job = body(s.r.get(&s.r.admin, &format!("/epcis/capture/{}", outcome["id"])));
    assert_eq!(job["warnings"], outcome["warnings"]);
    assert_eq!(job["warning_count"], 2);
    // Registered places only: no warnings.
    let response = capture(&s, &s.processor, vec![at(&s.proc_gln, &c1, 4)]);
    let clean = body(response);
    assert_eq!(clean["warning_count"], 0);
    assert_eq!(clean["warnings"], json!([]));
}

#[test]
fn unregistered_glns_are_refused_when_configured() {
    let s = scene_with(UnregisteredGln::Reject);
    let c1 = lot(&s.proc_gtin, "C1");
    let vn = with_check("893000000001");
    let mut shipped = at(&s.proc_gln, &c1, 2);
    shipped["bizStep"] = json!("shipping");
    shipped["sourceList"] = json!([{"type": "owning_party", "source": pgln(&s.proc_gln)}]);
    shipped["destinationList"] = json!([{"type": "owning_party", "destination": pgln(&vn)}]);
    let response = capture(&s, &s.processor, vec![at(&s.proc_gln, &c1, 1), shipped]);
    refused(
        &s,
        response,
        422,
        "unregistered_gln",
        "events[1].destinationList[0].destination",
    );
    // A party within a registered enterprise's prefix is registered.
    let mut to_farm = at(&s.proc_gln, &c1, 2);
    to_farm["destinationList"] =
        json!([{"type": "owning_party", "destination": pgln(&with_check("690567800009"))}]);
    assert_eq!(capture(&s, &s.processor, vec![to_farm]).status(), 202);
}

#[test]
fn an_enterprise_not_yet_approved_captures_nothing() {
    let s = scene();
    // Registered, never approved: it has a sign-in and a token, but no standing to file.
    let (_, pending) = register(&s.r, 3, "410102", "food", "6909999");
    let (events, jobs) = (count(&s.r.app, "events"), count(&s.r.app, "jobs"));
    let gtin = format!("https://id.gs1.org/01/{}", with_check("0690999900001"));
    let response = capture(
        &s,
        &pending,
        vec![at(&with_check("690999900001"), &gtin, 2)],
    );
    let error = assert_error(response, 409, "enterprise_not_active");
    assert!(
        error["message"].as_str().unwrap().contains("pending"),
        "{error}"
    );
    assert_eq!(
        (count(&s.r.app, "events"), count(&s.r.app, "jobs")),
        (events, jobs)
    );
    // A suspended producer still files (the shipments, recalls and disposals of what it made).
    let me: Value = body(s.r.get(&s.processor, "/api/v1/me"));
    let proc_id = me["enterprise_id"].as_i64().unwrap();
    let suspend = format!("/api/v1/enterprises/{proc_id}/suspend");
    let reason = json!({ "reason": "抽检不合格" });
    assert_eq!(
        s.r.post(Some(&s.officer_zz), &suspend, reason).status(),
        200
    );
    let class = format!("https://id.gs1.org/01/{}", s.proc_gtin);
    assert_eq!(
        capture(&s, &s.processor, vec![at(&s.proc_gln, &class, 3)]).status(),
        202
    );
}

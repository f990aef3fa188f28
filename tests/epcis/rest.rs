//! The REST binding's resources (issue 14, part 2): discovery lists and their events, named
//! queries (with the query documents of the conformance corpus's `Query/` folder), the
//! binding's headers and `OPTIONS`.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use crate::common::{captured, enc};
use crate::epcis_support::corpus;
use adapters::epcis::json::parse_json;
use diesel::prelude::*;
use registry::identity::Role;
use registry::schema::audit_log;
use reqwest::blocking::Response;
use serde_json::{Value, json};
use tracehub_tests::{TestApp, assert_error, body};

const CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";
const EPC: &str = "https://id.gs1.org/01/09521141012345/21/2017";
/// The place of the corpus's `SimpleEventQuery`, with its check digit corrected (the corpus
/// writes `9521141123452`, whose check digit is 4).
const PLACE: &str = "https://id.gs1.org/414/9521141123454";
const SHIPPING: &str = "https://ref.gs1.org/cbv/BizStep-shipping";
const RECEIVING: &str = "https://ref.gs1.org/cbv/BizStep-receiving";

/// Two events about one EPC: a shipment the corpus's `SimpleEventQuery` matches, and a
/// receipt it does not.
fn document() -> Vec<u8> {
    let event = |time: &str, step: &str, disposition: &str| {
        json!({"type": "ObjectEvent", "eventTime": time, "eventTimeZoneOffset": "+00:00",
               "epcList": [EPC],
               "quantityList": [{"epcClass": "urn:epc:class:lgtin:952114.1012345.L1", "quantity": 10, "uom": "KGM"}],
               "action": "ADD", "bizStep": step, "disposition": disposition,
               "readPoint": {"id": PLACE}, "bizLocation": {"id": PLACE}})
    };
    json!({
        "@context": [CONTEXT], "type": "EPCISDocument", "schemaVersion": "2.0",
        "creationDate": "2026-06-01T00:00:00Z",
        "epcisBody": {"eventList": [
            event("2026-06-01T00:00:00Z", "shipping", "in_transit"),
            event("2026-06-02T00:00:00Z", "receiving", "in_progress"),
        ]}
    })
    .to_string()
    .into_bytes()
}

fn get(app: &TestApp, token: &str, path: &str) -> Response {
    app.client()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .unwrap()
}

/// The bizSteps of the events a path answers.
fn steps(app: &TestApp, token: &str, path: &str) -> Vec<String> {
    let response = get(app, token, path);
    assert_eq!(response.status(), 200, "{path}");
    parse_json(&response.bytes().unwrap())
        .unwrap()
        .events
        .iter()
        .map(|e| e.biz_step.clone().unwrap_or_default())
        .collect()
}

fn members(app: &TestApp, token: &str, path: &str) -> (Vec<String>, Option<String>) {
    let response = get(app, token, path);
    assert_eq!(response.status(), 200, "{path}");
    let link = response
        .headers()
        .get("link")
        .map(|v| v.to_str().unwrap().to_owned());
    let json = body(response);
    assert_eq!(json["type"], "Collection");
    let list = json["member"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    (list, link)
}

#[test]
fn discovery_resources_list_what_the_reader_reads() {
    let app = TestApp::spawn();
    let admin = app.token("admin", Role::Admin);
    captured(&app, &admin, document());
    let list = |path: &str| members(&app, &admin, path).0;
    assert_eq!(list("/epcis/eventTypes"), ["ObjectEvent"]);
    assert_eq!(list("/epcis/bizSteps"), [RECEIVING, SHIPPING]);
    assert_eq!(
        list("/epcis/dispositions"),
        [
            "https://ref.gs1.org/cbv/Disp-in_progress",
            "https://ref.gs1.org/cbv/Disp-in_transit"
        ]
    );
    assert_eq!(list("/epcis/bizLocations"), [PLACE]);
    assert_eq!(list("/epcis/readPoints"), [PLACE]);
    assert_eq!(list("/epcis/epcs"), [EPC]);

    // A page at a time.
    let (first, link) = members(&app, &admin, "/epcis/bizSteps?perPage=1");
    assert_eq!(first, [RECEIVING]);
    let next = link.unwrap();
    let path = next.strip_prefix('<').unwrap().split_once('>').unwrap().0;
    let (second, link) = members(&app, &admin, path);
    assert_eq!((second, link), (vec![SHIPPING.to_owned()], None));

    // Each value's events, with the query's other parameters.
    assert_eq!(
        steps(&app, &admin, "/epcis/bizSteps/shipping/events"),
        [SHIPPING]
    );
    assert_eq!(
        steps(
            &app,
            &admin,
            &format!("/epcis/bizSteps/{}/events", enc(RECEIVING))
        ),
        [RECEIVING]
    );
    assert_eq!(
        steps(
            &app,
            &admin,
            "/epcis/eventTypes/ObjectEvent/events?orderBy=eventTime"
        ),
        [RECEIVING, SHIPPING]
    );
    assert_eq!(
        steps(&app, &admin, &format!("/epcis/epcs/{}/events", enc(EPC))).len(),
        2
    );
    assert_eq!(
        steps(
            &app,
            &admin,
            &format!(
                "/epcis/bizLocations/{}/events?EQ_bizStep=receiving",
                enc(PLACE)
            )
        ),
        [RECEIVING]
    );
    assert_eq!(
        steps(&app, &admin, "/epcis/dispositions/in_transit/events"),
        [SHIPPING]
    );
    assert!(steps(&app, &admin, "/epcis/bizSteps/packing/events").is_empty());
    assert_error(
        get(&app, &admin, "/epcis/bizSteps/sightseeing/events"),
        400,
        "invalid_query",
    );
    assert_error(
        get(&app, &admin, "/epcis/eventTypes?colour=red"),
        400,
        "unknown_query_parameter",
    );

    // A reader outside the events' scope (a regulator system of no category) lists nothing.
    let system = app.token("adapter", Role::System);
    assert!(members(&app, &system, "/epcis/bizSteps").0.is_empty());
    assert!(members(&app, &system, "/epcis/epcs").0.is_empty());
    assert!(steps(&app, &system, "/epcis/bizSteps/shipping/events").is_empty());
}

#[test]
fn binding_headers_and_options() {
    let app = TestApp::spawn();
    let admin = app.token("admin", Role::Admin);
    let response = get(&app, &admin, "/epcis/events");
    let header = |r: &Response, name: &str| {
        r.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(
        header(&response, "gs1-epcis-version").as_deref(),
        Some("2.0.0")
    );
    assert_eq!(
        header(&response, "gs1-cbv-version").as_deref(),
        Some("2.0.0")
    );
    assert_eq!(
        header(&response, "gs1-epcis-capture-limit").as_deref(),
        Some("1000000")
    );
    let size: usize = header(&response, "gs1-epcis-capture-file-size-limit")
        .unwrap()
        .parse()
        .unwrap();
    assert!(size >= 1024);
    // Not on the rest of the API.
    assert_eq!(
        header(&get(&app, &admin, "/api/v1/audit"), "gs1-epcis-version"),
        None
    );

    let options = |path: &str| {
        app.client()
            .request(reqwest::Method::OPTIONS, app.url(path))
            .send()
            .unwrap()
    };
    let response = options("/epcis/queries");
    assert_eq!(response.status(), 204);
    assert_eq!(
        header(&response, "allow").as_deref(),
        Some("POST, GET, HEAD, OPTIONS")
    );
    assert_eq!(
        header(&response, "gs1-epcis-version").as_deref(),
        Some("2.0.0")
    );
    let response = options("/epcis/events/urn:uuid:0");
    assert_eq!(
        header(&response, "allow").as_deref(),
        Some("GET, HEAD, OPTIONS")
    );
    // Elsewhere OPTIONS is still not allowed.
    assert_eq!(options("/api/v1/audit").status(), 405);
}

fn save(app: &TestApp, token: &str, name: &str, query: Value) -> Response {
    app.client()
        .post(app.url("/epcis/queries"))
        .bearer_auth(token)
        .json(&json!({"name": name, "query": query}))
        .send()
        .unwrap()
}

#[test]
fn named_queries_are_saved_run_and_deleted_per_owner() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("openepcis-test-resources/2.0/EPCIS/JSON/Query/Queries");
    let read = |name: &str| -> Value {
        serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap()
    };
    let app = TestApp::spawn();
    let admin = app.token("admin", Role::Admin);
    captured(&app, &admin, document());

    // The corpus's SimpleEventQuery: its GLN's check digit is wrong, which is refused naming
    // the parameter; corrected, it is saved and run.
    let mut simple = read("SimpleEventQuery.json");
    let refused = assert_error(
        save(&app, &admin, "shipments", simple.clone()),
        400,
        "invalid_query",
    );
    assert_eq!(refused["field"], "query.EQ_bizLocation");
    simple["EQ_bizLocation"] = json!([PLACE]);
    let response = save(&app, &admin, "shipments", simple);
    assert_eq!(response.status(), 201);
    assert_eq!(
        response.headers()["location"].to_str().unwrap(),
        "/epcis/queries/shipments"
    );
    assert_eq!(
        steps(&app, &admin, "/epcis/queries/shipments/events"),
        [SHIPPING]
    );
    let saved = body(get(&app, &admin, "/epcis/queries/shipments"));
    assert_eq!(saved["name"], "shipments");
    assert_eq!(saved["query"]["orderDirection"], "DESC");
    assert_error(
        save(
            &app,
            &admin,
            "shipments",
            json!({"EQ_bizStep": ["receiving"]}),
        ),
        409,
        "query_name_taken",
    );
    let response = save(
        &app,
        &admin,
        "all",
        json!({"perPage": 1, "orderBy": "eventTime"}),
    );
    assert_eq!(response.status(), 201);
    let listed = body(get(&app, &admin, "/epcis/queries"));
    let names: Vec<&str> = listed["member"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["all", "shipments"]);
    // A saved query pages like any other, its link carrying only the page.
    let response = get(&app, &admin, "/epcis/queries/all/events");
    let link = response.headers()["link"].to_str().unwrap().to_owned();
    assert!(link.starts_with("</epcis/queries/all/events?"), "{link}");
    assert!(!link.contains("orderBy"), "{link}");
    let path = link.strip_prefix('<').unwrap().split_once('>').unwrap().0;
    assert_eq!(steps(&app, &admin, path), [SHIPPING]);
    assert_error(
        get(
            &app,
            &admin,
            "/epcis/queries/all/events?EQ_bizStep=shipping",
        ),
        400,
        "unknown_query_parameter",
    );

    // The corpus's invalid queries are refused, naming the parameter; nothing is saved.
    let refused = assert_error(
        save(
            &app,
            &admin,
            "bad",
            read("Invalid/Query_with_invalid_values.json"),
        ),
        400,
        "invalid_query",
    );
    assert!(refused["field"].as_str().unwrap().starts_with("query."));
    let refused = assert_error(
        save(
            &app,
            &admin,
            "unknown",
            read("Invalid/Query_with_unknown_parameter.json"),
        ),
        400,
        "unknown_query_parameter",
    );
    assert_eq!(refused["field"], "query.GE_eventDate");
    assert_error(
        save(&app, &admin, "no spaces", json!({})),
        400,
        "invalid_field",
    );
    assert_error(get(&app, &admin, "/epcis/queries/bad"), 404, "not_found");

    // The XML binding's query documents: the corpus's Poll (its GLN corrected) is saved under
    // `?name=` and runs as the JSON one does; its Poll without a queryName is refused.
    let xml_dir = corpus.join("openepcis-test-resources/2.0/EPCIS/XML/Query/Queries");
    let poll = std::fs::read_to_string(xml_dir.join("SimpleEventQuery.xml")).unwrap();
    let save_xml = |name: &str, xml: &str| {
        app.client()
            .post(app.url(&format!("/epcis/queries?name={name}")))
            .bearer_auth(&admin)
            .header("content-type", "application/xml")
            .body(xml.to_owned())
            .send()
            .unwrap()
    };
    let refused = assert_error(save_xml("xml-shipments", &poll), 400, "invalid_query");
    assert_eq!(refused["field"], "query.EQ_bizLocation");
    let corrected = poll.replace("https://id.gs1.org/414/9521141123452", PLACE);
    assert_eq!(save_xml("xml-shipments", &corrected).status(), 201);
    assert_eq!(
        steps(&app, &admin, "/epcis/queries/xml-shipments/events"),
        [SHIPPING]
    );
    let saved = body(get(&app, &admin, "/epcis/queries/xml-shipments"));
    assert_eq!(
        saved["query"]["eventType"],
        json!(["ObjectEvent", "AggregationEvent"])
    );
    let no_name =
        std::fs::read_to_string(xml_dir.join("Invalid/Query_without_queryName.xml")).unwrap();
    let refused = assert_error(save_xml("xml-bad", &no_name), 400, "invalid_query");
    assert_eq!(refused["field"], "queryName");
    let unnamed = app
        .client()
        .post(app.url("/epcis/queries"))
        .bearer_auth(&admin)
        .header("content-type", "application/xml")
        .body(corrected)
        .send()
        .unwrap();
    assert_eq!(assert_error(unnamed, 400, "invalid_field")["field"], "name");
    assert_error(
        get(&app, &admin, "/epcis/queries/xml-bad"),
        404,
        "not_found",
    );
    let plain = app
        .client()
        .post(app.url("/epcis/queries"))
        .bearer_auth(&admin)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .unwrap();
    assert_error(plain, 415, "unsupported_media_type");

    // Queries belong to their owner.
    let other = app.token("other", Role::Inspector);
    assert_error(
        get(&app, &other, "/epcis/queries/shipments"),
        404,
        "not_found",
    );
    assert!(
        body(get(&app, &other, "/epcis/queries"))["member"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let delete = |token: &str, name: &str| {
        app.client()
            .delete(app.url(&format!("/epcis/queries/{name}")))
            .bearer_auth(token)
            .send()
            .unwrap()
    };
    assert_eq!(delete(&other, "shipments").status(), 404);
    assert_eq!(delete(&admin, "shipments").status(), 204);
    assert_error(
        get(&app, &admin, "/epcis/queries/shipments"),
        404,
        "not_found",
    );
    assert_eq!(delete(&admin, "shipments").status(), 404);

    let audit = |action: &str| -> i64 {
        let conn = &mut *app.test_db().db().conn().unwrap();
        audit_log::table
            .filter(audit_log::action.eq(action))
            .count()
            .get_result(conn)
            .unwrap()
    };
    assert_eq!(
        (audit("epcis.query.save"), audit("epcis.query.delete")),
        (3, 1)
    );
}

#[test]
fn versions_are_negotiated_by_the_binding_headers() {
    let app = TestApp::spawn();
    let admin = app.token("admin", Role::Admin);
    let ask = |headers: &[(&str, &str)]| {
        let mut request = app
            .client()
            .get(app.url("/epcis/events"))
            .bearer_auth(&admin);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().unwrap()
    };
    // What includes 2.0.0 is served.
    for fine in [
        vec![("GS1-EPCIS-Version", "2.0.0")],
        vec![("GS1-EPCIS-Version", "2.0")],
        vec![("GS1-EPCIS-Min", "1.2"), ("GS1-EPCIS-Max", "2.0.0")],
        vec![("GS1-CBV-Min", "2.0.0")],
    ] {
        assert_eq!(ask(&fine).status(), 200, "{fine:?}");
    }
    // What excludes it is 406, naming the header, with the version headers still sent.
    for (headers, field) in [
        (vec![("GS1-EPCIS-Version", "1.2")], "GS1-EPCIS-Version"),
        (vec![("GS1-EPCIS-Min", "2.1")], "GS1-EPCIS-Min"),
        (vec![("GS1-EPCIS-Max", "1.2.0")], "GS1-EPCIS-Max"),
        (vec![("GS1-CBV-Version", "3.0.0")], "GS1-CBV-Version"),
        (vec![("GS1-EPCIS-Version", "two")], "GS1-EPCIS-Version"),
    ] {
        let response = ask(&headers);
        assert_eq!(response.headers()["gs1-epcis-version"], "2.0.0");
        let refused = assert_error(response, 406, "version_not_supported");
        assert_eq!(refused["field"], field, "{headers:?}");
    }
}

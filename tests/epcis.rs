//! EPCIS capture and query over HTTP: the conformance corpus captured and queried back with
//! nothing lost, duplicates stored once, invalid documents refused with nothing written, the
//! query filters, pagination and both output bindings.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

#[path = "../adapters/tests/epcis_support/mod.rs"]
mod epcis_support;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use adapters::epcis::{json::parse_json, xml::parse_xml};
use diesel::prelude::*;
use epcis_support::{corpus, files, normalized, parse};
use registry::epcis::{Event, event_hash};
use registry::identity::Role;
use registry::schema::{audit_log, capture_jobs, epcis_event_ids, epcis_events, lineage_edges};
use reqwest::blocking::Response;
use tracehub_tests::{TestApp, assert_error, body};

fn count(app: &TestApp, what: &str) -> i64 {
    let conn = &mut *app.test_db().db().conn().unwrap();
    match what {
        "events" => epcis_events::table.count().get_result(conn).unwrap(),
        "ids" => epcis_event_ids::table.count().get_result(conn).unwrap(),
        "jobs" => capture_jobs::table.count().get_result(conn).unwrap(),
        "edges" => lineage_edges::table.count().get_result(conn).unwrap(),
        "audit" => audit_log::table
            .filter(audit_log::action.eq("epcis.capture"))
            .count()
            .get_result(conn)
            .unwrap(),
        _ => unreachable!(),
    }
}

fn post(app: &TestApp, token: &str, path: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    app.client()
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .unwrap()
}

fn content_type(p: &Path) -> &'static str {
    if p.extension().is_some_and(|e| e == "xml") {
        "application/xml"
    } else {
        "application/ld+json"
    }
}

/// The dedupe key the hub uses.
fn key(e: &Event) -> (String, bool) {
    (event_hash(e), e.error_declaration.is_some())
}

/// Compares field by field, the capture time aside.
fn same(a: &Event, b: &Event) -> bool {
    let (mut a, mut b) = (normalized(a), normalized(b));
    a.record_time = None;
    b.record_time = None;
    a.to_internal_json() == b.to_internal_json()
}

/// Every event of the hub, page by page through the `Link` header, in one binding.
fn all_events(app: &TestApp, token: &str, xml: bool, per_page: usize) -> Vec<Event> {
    let mut url = app.url(&format!("/epcis/events?perPage={per_page}"));
    let mut out = Vec::new();
    loop {
        let mut request = app.client().get(&url).bearer_auth(token);
        if xml {
            request = request.header("accept", "application/xml");
        }
        let response = request.send().unwrap();
        assert_eq!(response.status(), 200);
        let link = response
            .headers()
            .get("link")
            .map(|v| v.to_str().unwrap().to_owned());
        let bytes = response.bytes().unwrap();
        let doc = if xml {
            parse_xml(&bytes)
        } else {
            parse_json(&bytes)
        }
        .unwrap_or_else(|e| panic!("query result unreadable: {e}"));
        assert!(doc.events.len() <= per_page);
        out.extend(doc.events);
        match link {
            Some(l) => {
                let path = l
                    .strip_prefix('<')
                    .and_then(|l| l.split_once(">; rel=\"next\""))
                    .unwrap()
                    .0;
                url = app.url(path);
            }
            None => break,
        }
    }
    out
}

#[test]
fn the_corpus_is_captured_once_and_queried_back_unchanged() {
    let Some(root) = corpus() else { return };
    let app = TestApp::spawn();
    let token = app.token("capturer", Role::System);
    let mut docs = files(&root.join("examples"), &["xml", "jsonld", "json"]);
    docs.extend(files(
        &root.join("openepcis-test-resources"),
        &["xml", "json"],
    ));
    docs.retain(|p| !p.to_string_lossy().contains("/Invalid/"));
    // What the hub must hold: the first of every event hash / eventID, in capture order.
    let mut expected: HashMap<(String, bool), Event> = HashMap::new();
    let mut ids: HashSet<(String, bool)> = HashSet::new();
    let (mut captured, mut events, mut refused) = (0, 0, 0);
    let mut accepted = Vec::new();
    for p in &docs {
        let Ok(doc) = parse(p) else {
            // Refused by the reader on purpose (see adapters/tests/epcis_corpus.rs): the hub
            // refuses it too.
            let response = post(
                &app,
                &token,
                "/epcis/capture",
                content_type(p),
                std::fs::read(p).unwrap(),
            );
            assert!(response.status().is_client_error(), "{}", p.display());
            refused += 1;
            continue;
        };
        let mut stored = 0;
        for e in &doc.events {
            let k = key(e);
            let id_new = e
                .event_id
                .as_ref()
                .is_none_or(|id| ids.insert((id.clone(), k.1)));
            if !expected.contains_key(&k) && id_new {
                expected.insert(k, e.clone());
                stored += 1;
            }
        }
        let response = post(
            &app,
            &token,
            "/epcis/capture",
            content_type(p),
            std::fs::read(p).unwrap(),
        );
        assert_eq!(
            response.status(),
            202,
            "{}: {:?}",
            p.display(),
            response.text()
        );
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let job = body(response);
        assert_eq!(location, format!("/epcis/capture/{}", job["id"]));
        assert_eq!(job["status"], "succeeded");
        assert_eq!(job["event_count"], doc.events.len(), "{}", p.display());
        assert_eq!(job["stored_count"], stored, "{}", p.display());
        captured += 1;
        events += doc.events.len();
        accepted.push(p.clone());
    }
    eprintln!(
        "{captured} documents ({events} events, {} distinct) captured; {refused} refused",
        expected.len()
    );
    assert!(captured >= 140, "only {captured} documents captured");
    let rows = count(&app, "events");
    assert_eq!(rows, i64::try_from(expected.len()).unwrap());
    assert_eq!(count(&app, "audit"), i64::from(captured));

    // Capturing everything again stores nothing.
    for p in &accepted {
        let response = post(
            &app,
            &token,
            "/epcis/capture",
            content_type(p),
            std::fs::read(p).unwrap(),
        );
        assert_eq!(response.status(), 202);
        assert_eq!(body(response)["stored_count"], 0, "{}", p.display());
    }
    assert_eq!(count(&app, "events"), rows);

    // Queried back in both bindings: same hashes, same fields, event time order.
    for xml in [false, true] {
        let back = all_events(&app, &token, xml, 97);
        assert_eq!(back.len(), expected.len(), "xml: {xml}");
        let mut seen = HashSet::new();
        for e in &back {
            let k = key(e);
            let original = expected
                .get(&k)
                .unwrap_or_else(|| panic!("xml: {xml}: unexpected event {}", e.to_internal_json()));
            assert!(
                same(original, e),
                "xml: {xml}: event differs\n{}\n{}",
                normalized(original).to_internal_json(),
                normalized(e).to_internal_json()
            );
            assert!(e.record_time.is_some());
            assert!(seen.insert(k));
        }
        assert!(
            back.windows(2).all(|w| w[0].event_time <= w[1].event_time),
            "ordered by event time"
        );
    }
}

#[test]
fn invalid_documents_are_refused_and_write_nothing() {
    let Some(root) = corpus() else { return };
    let app = TestApp::spawn();
    let token = app.token("capturer", Role::Enterprise);
    let mut seen = 0;
    for p in files(&root.join("openepcis-test-resources"), &["xml", "json"])
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("/Invalid/"))
    {
        let response = post(
            &app,
            &token,
            "/epcis/capture",
            content_type(&p),
            std::fs::read(&p).unwrap(),
        );
        let status = response.status().as_u16();
        let json = body(response);
        assert!(
            matches!(status, 400 | 422),
            "{}: {status} {json}",
            p.display()
        );
        assert_eq!(json["error"], "invalid_epcis", "{}: {json}", p.display());
        let expected = parse(&p).unwrap_err();
        if let Some(i) = expected.index {
            assert!(
                json["field"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("events[{i}]")),
                "{}: {json}",
                p.display()
            );
        }
        seen += 1;
    }
    assert!(seen >= 30, "only {seen} invalid documents");
    // A valid first event followed by an invalid one: nothing of the document is stored.
    let doc = r#"{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z",
        "epcisBody":{"eventList":[
          {"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00",
           "epcList":["urn:epc:id:sgtin:0614141.107346.1"],"action":"OBSERVE"},
          {"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00",
           "epcList":["urn:epc:id:sgtin:0614141.107346.2"],"action":"OBSERVE","bizStep":"teleporting"}]}}"#;
    let json = assert_error(
        post(
            &app,
            &token,
            "/epcis/capture",
            "application/json",
            doc.into(),
        ),
        422,
        "invalid_epcis",
    );
    assert_eq!(json["field"], "events[1].bizStep");
    // XML with a DTD declaring entities.
    let xml = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>
        <epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"
        creationDate="2026-01-01T00:00:00Z"><EPCISBody><EventList/></EPCISBody></epcis:EPCISDocument>"#;
    assert_error(
        post(
            &app,
            &token,
            "/epcis/capture",
            "application/xml",
            xml.into(),
        ),
        400,
        "xml_refused",
    );
    let response = post(
        &app,
        &token,
        "/epcis/capture",
        "text/plain",
        b"hello".to_vec(),
    );
    assert_error(response, 415, "unsupported_media_type");
    for what in ["events", "ids", "jobs", "edges", "audit"] {
        assert_eq!(count(&app, what), 0, "{what}");
    }
}

const CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";
const SGTIN_1: &str = "urn:epc:id:sgtin:0614141.107346.2017";
const SGTIN_2: &str = "urn:epc:id:sgtin:0614141.107346.3000";
const SSCC: &str = "urn:epc:id:sscc:0614141.1234567890";
const SGLN_RP: &str = "urn:epc:id:sgln:0614141.00777.0";
const SGLN_BL: &str = "urn:epc:id:sgln:0614141.00888.0";

fn chain() -> String {
    serde_json::json!({
        "@context": [CONTEXT],
        "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-01-01T00:00:00Z",
        "epcisBody": {"eventList": [
            {"type": "ObjectEvent", "eventID": "urn:uuid:6a1f0d4e-0000-4000-8000-000000000001",
             "eventTime": "2026-01-01T08:00:00+08:00", "eventTimeZoneOffset": "+08:00",
             "epcList": [SGTIN_1], "action": "OBSERVE", "bizStep": "shipping",
             "disposition": "in_transit", "readPoint": {"id": SGLN_RP}, "bizLocation": {"id": SGLN_BL},
             "sourceList": [{"type": "owning_party", "source": "urn:epc:id:pgln:0614141.00001"}],
             "destinationList": [{"type": "owning_party", "destination": "urn:epc:id:pgln:0614141.00002"}]},
            {"type": "AggregationEvent", "eventTime": "2026-01-01T09:00:00Z", "eventTimeZoneOffset": "+00:00",
             "parentID": SSCC, "childEPCs": [SGTIN_1], "action": "ADD", "bizStep": "packing"},
            {"type": "TransformationEvent", "eventTime": "2026-01-02T00:00:00Z", "eventTimeZoneOffset": "+00:00",
             "inputEPCList": [SGTIN_1], "outputEPCList": [SGTIN_2], "bizStep": "commissioning"},
            {"type": "AggregationEvent", "eventTime": "2026-01-03T00:00:00Z", "eventTimeZoneOffset": "+00:00",
             "parentID": SSCC, "childEPCs": [SGTIN_1], "action": "DELETE", "bizStep": "unpacking"},
            {"type": "ObjectEvent", "eventTime": "2026-01-04T00:00:00Z", "eventTimeZoneOffset": "+00:00",
             "epcList": [SGTIN_2], "action": "ADD", "bizStep": "receiving", "disposition": "in_progress"}
        ]}
    })
    .to_string()
}

/// The event times (as `MMDDHH` UTC) of a query's result, in order.
fn times(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let response = app
        .client()
        .get(app.url(&format!("/epcis/events?{query}")))
        .bearer_auth(token)
        .send()
        .unwrap();
    assert_eq!(response.status(), 200, "{query}");
    let doc = parse_json(&response.bytes().unwrap()).unwrap();
    doc.events
        .iter()
        .map(|e| e.event_time.naive_utc().format("%m%d%H").to_string())
        .collect()
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn query_filters_pagination_and_bindings() {
    let app = TestApp::spawn();
    let admin = app.token("admin", Role::Admin);
    let response = post(
        &app,
        &admin,
        "/epcis/capture",
        "application/ld+json",
        chain().into(),
    );
    assert_eq!(response.status(), 202);
    assert_eq!(body(response)["stored_count"], 5);
    let dl = |urn: &str| registry::ids::epc::to_digital_link(urn).unwrap();
    let q = |query: &str| times(&app, &admin, query);
    let (a, b, c, d, e) = ("010100", "010109", "010200", "010300", "010400");
    assert_eq!(q(""), [a, b, c, d, e]);
    assert_eq!(q("eventType=AggregationEvent"), [b, d]);
    assert_eq!(q("eventType=ObjectEvent|TransformationEvent"), [a, c, e]);
    assert_eq!(q("EQ_bizStep=shipping"), [a]);
    assert_eq!(
        q(&format!(
            "EQ_bizStep={}",
            enc("urn:epcglobal:cbv:bizstep:shipping")
        )),
        [a]
    );
    assert_eq!(q("EQ_disposition=in_transit|in_progress"), [a, e]);
    assert_eq!(q("EQ_action=DELETE"), [d]);
    assert_eq!(q("eventType=ObjectEvent&EQ_action=ADD"), [e]);
    assert_eq!(q(&format!("MATCH_epc={}", enc(SGTIN_1))), [a, b, d]);
    assert_eq!(
        q(&format!("MATCH_anyEPC={}", enc(&dl(SGTIN_1)))),
        [a, b, c, d]
    );
    assert_eq!(q(&format!("MATCH_inputEPC={}", enc(SGTIN_1))), [c]);
    assert_eq!(q(&format!("MATCH_outputEPC={}", enc(SGTIN_2))), [c]);
    assert_eq!(q(&format!("MATCH_parentID={}", enc(SSCC))), [b, d]);
    assert_eq!(q(&format!("EQ_readPoint={}", enc(SGLN_RP))), [a]);
    assert_eq!(q(&format!("EQ_bizLocation={}", enc(&dl(SGLN_BL)))), [a]);
    assert_eq!(
        q("EQ_eventID=urn:uuid:6a1f0d4e-0000-4000-8000-000000000001"),
        [a]
    );
    assert_eq!(
        q(&format!(
            "GE_eventTime={}&LT_eventTime={}",
            enc("2026-01-02T00:00:00Z"),
            enc("2026-01-04T08:00:00+08:00")
        )),
        [c, d]
    );
    assert_eq!(q("GE_recordTime=2000-01-01T00:00:00Z").len(), 5);
    assert!(q("LT_recordTime=2000-01-01T00:00:00Z").is_empty());

    // Refusals name the parameter.
    for (query, code, field) in [
        ("colour=red", "unknown_query_parameter", "colour"),
        ("perPage=0", "invalid_query", "perPage"),
        ("perPage=1001", "invalid_query", "perPage"),
        ("eventType=QuantityEvent", "invalid_query", "eventType"),
        ("EQ_bizStep=teleporting", "invalid_query", "EQ_bizStep"),
        (
            "MATCH_epc=urn:epc:id:sgtin:bad",
            "invalid_query",
            "MATCH_epc",
        ),
        ("GE_eventTime=yesterday", "invalid_query", "GE_eventTime"),
        ("nextPageToken=zz", "invalid_page_token", "nextPageToken"),
        (
            "EQ_action=ADD&EQ_action=DELETE",
            "invalid_query",
            "EQ_action",
        ),
    ] {
        let response = app
            .client()
            .get(app.url(&format!("/epcis/events?{query}")))
            .bearer_auth(&admin)
            .send()
            .unwrap();
        let status = response.status().as_u16();
        let json = body(response);
        assert!(matches!(status, 400 | 422), "{query}: {status}");
        assert_eq!(
            (json["error"].as_str(), json["field"].as_str()),
            (Some(code), Some(field)),
            "{query}"
        );
    }

    // Pagination: 2 + 2 + 1, in order; XML output reads back with the same hashes.
    let json_events = all_events(&app, &admin, false, 2);
    let xml_events = all_events(&app, &admin, true, 2);
    assert_eq!(json_events.len(), 5);
    let hashes = |v: &[Event]| v.iter().map(event_hash).collect::<Vec<_>>();
    assert_eq!(hashes(&json_events), hashes(&xml_events));

    // Lineage: a shipment, an aggregation closed by its DELETE, a transformation.
    let conn = &mut *app.test_db().db().conn().unwrap();
    let edges: Vec<(String, String, String, Option<chrono::NaiveDateTime>)> = lineage_edges::table
        .select((
            lineage_edges::kind,
            lineage_edges::from_id,
            lineage_edges::to_id,
            lineage_edges::valid_to,
        ))
        .order(lineage_edges::id)
        .load(conn)
        .unwrap();
    let closed = chrono::NaiveDate::from_ymd_opt(2026, 1, 3)
        .unwrap()
        .and_hms_opt(0, 0, 0);
    assert_eq!(
        edges,
        vec![
            (
                "ship".into(),
                dl("urn:epc:id:pgln:0614141.00001"),
                dl("urn:epc:id:pgln:0614141.00002"),
                None
            ),
            ("aggregate".into(), dl(SGTIN_1), dl(SSCC), closed),
            ("transform".into(), dl(SGTIN_1), dl(SGTIN_2), None),
        ]
    );
    let prefixes: Vec<String> = epcis_events::table
        .select(epcis_events::company_prefix)
        .load(conn)
        .unwrap();
    assert!(prefixes.iter().all(|p| p == "0614141"), "{prefixes:?}");
}

#[test]
fn single_events_jobs_and_enterprise_visibility() {
    let app = TestApp::spawn();
    let admin = app.token("admin", Role::Admin);
    let enterprise = app.token("farm", Role::Enterprise);
    let officer = app.token("officer", Role::Officer);
    let response = post(
        &app,
        &admin,
        "/epcis/capture",
        "application/ld+json",
        chain().into(),
    );
    let admin_job = body(response)["id"].as_i64().unwrap();
    let event = serde_json::json!({
        "@context": [CONTEXT], "type": "ObjectEvent", "eventTime": "2026-02-01T00:00:00Z",
        "eventTimeZoneOffset": "+00:00", "epcList": ["urn:epc:id:sgtin:0614141.107346.9"],
        "action": "ADD", "bizStep": "commissioning", "eventID": "ni:///sha-256;0a1b?ver=CBV2.0"
    })
    .to_string();
    let response = post(
        &app,
        &enterprise,
        "/epcis/events",
        "application/json",
        event.clone().into(),
    );
    assert_eq!(response.status(), 202);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let job = body(response);
    assert_eq!(
        (
            job["stored_count"].as_i64(),
            job["duplicate_count"].as_i64()
        ),
        (Some(1), Some(0))
    );
    // Again: a duplicate.
    let again = body(post(
        &app,
        &enterprise,
        "/epcis/events",
        "application/json",
        event.into(),
    ));
    assert_eq!(
        (
            again["stored_count"].as_i64(),
            again["duplicate_count"].as_i64()
        ),
        (Some(0), Some(1))
    );
    // A document is not a single event.
    assert_error(
        post(
            &app,
            &enterprise,
            "/epcis/events",
            "application/json",
            chain().into(),
        ),
        422,
        "invalid_epcis",
    );
    let get = |token: &str, path: &str| {
        app.client()
            .get(app.url(path))
            .bearer_auth(token)
            .send()
            .unwrap()
    };
    assert_eq!(body(get(&enterprise, &location))["id"], job["id"]);
    assert_eq!(
        get(&enterprise, &format!("/epcis/capture/{admin_job}")).status(),
        404
    );
    assert_eq!(
        get(&officer, &format!("/epcis/capture/{admin_job}")).status(),
        200
    );
    assert_eq!(get(&admin, "/epcis/capture/424242").status(), 404);
    // The enterprise reads what it captured; the officer reads everything (jurisdiction later).
    assert_eq!(times(&app, &enterprise, ""), ["020100"]);
    assert_eq!(times(&app, &officer, "").len(), 6);
    assert_eq!(count(&app, "audit"), 3);
    // One event by its eventID (percent-encoded), in either binding.
    let path = format!(
        "/epcis/events/{}",
        enc("urn:uuid:6a1f0d4e-0000-4000-8000-000000000001")
    );
    let response = get(&officer, &path);
    assert_eq!(response.status(), 200);
    let doc = parse_json(&response.bytes().unwrap()).unwrap();
    assert_eq!(doc.events.len(), 1);
    assert_eq!(
        doc.events[0].biz_step.as_deref(),
        Some("https://ref.gs1.org/cbv/BizStep-shipping")
    );
    assert_eq!(get(&enterprise, &path).status(), 404);
    let response = app
        .client()
        .get(app.url(&path))
        .bearer_auth(&admin)
        .header("accept", "application/xml")
        .send()
        .unwrap();
    assert_eq!(
        parse_xml(&response.bytes().unwrap()).unwrap().events.len(),
        1
    );
    let path = format!("/epcis/events/{}", enc("ni:///sha-256;0a1b?ver=CBV2.0"));
    assert_eq!(get(&enterprise, &path).status(), 200);
    let json = body(get(
        &admin,
        &format!("/epcis/events/{}", enc("urn:uuid:none")),
    ));
    assert_eq!(json["message"], "event not found");
}

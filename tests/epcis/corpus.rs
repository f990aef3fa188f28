//! The EPCIS conformance corpus over HTTP: every document the reader accepts is captured once
//! and queried back with nothing lost (same event hashes, same fields) in both bindings;
//! capturing again stores nothing; invalid documents are refused naming the field, and nothing
//! is written.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::common::{all_events, count, post};
use crate::epcis_support::{corpus, files, normalized, parse};
use registry::epcis::{Event, event_hash};
use registry::identity::Role;
use tracehub_tests::{TestApp, assert_error, body};

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
#[test]
fn the_corpus_is_captured_once_and_queried_back_unchanged() {
    let Some(root) = corpus() else { return };
    let app = TestApp::spawn();
    let token = app.token("capturer", Role::Admin);
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

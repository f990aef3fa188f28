//! EPCIS query over HTTP: every filter, pagination, both bindings, lineage edges written at
//! capture, single-event capture, capture jobs and what an enterprise may read.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use crate::common::{all_events, count, enc, post, times};
use adapters::epcis::{json::parse_json, xml::parse_xml};
use diesel::prelude::*;
use registry::epcis::{Event, event_hash};
use registry::identity::{self, Role, Scope};
use registry::schema::{epcis_events, lineage_edges, lineage_nodes};
use tracehub_tests::{TestApp, assert_error, body};

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
             "destinationList": [{"type": "owning_party", "destination": "urn:epc:id:pgln:0614141.00002"}],
             "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:0614141000005:PO-7"}]},
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
    let pattern = enc("urn:epc:idpat:sgtin:0614141.107346.*");
    assert_eq!(q(&format!("MATCH_epc={pattern}")), [a, b, d, e]);
    assert_eq!(q(&format!("MATCH_outputEPC={pattern}|{}", enc(SSCC))), [c]);
    assert!(
        q(&format!(
            "MATCH_epc={}",
            enc("urn:epc:idpat:sgtin:0614141.107347.*")
        ))
        .is_empty()
    );
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
    let party = enc("urn:epc:id:pgln:0614141.00002");
    assert_eq!(q(&format!("EQ_destination_owning_party={party}")), [a]);
    assert!(q(&format!("EQ_source_owning_party={party}")).is_empty());
    let po = enc("urn:epcglobal:cbv:bt:0614141000005:PO-7");
    assert_eq!(q(&format!("EQ_bizTransaction_po={po}")), [a]);
    assert_eq!(
        q(&format!(
            "EQ_bizTransaction_{}={po}",
            enc("urn:epcglobal:cbv:btt:po")
        )),
        [a]
    );
    assert!(q(&format!("EQ_bizTransaction_inv={po}")).is_empty());
    assert_eq!(q("GE_recordTime=2000-01-01T00:00:00Z").len(), 5);
    assert!(q("LT_recordTime=2000-01-01T00:00:00Z").is_empty());

    // Refusals name the parameter.
    for (query, code, field) in [
        ("colour=red", "unknown_query_parameter", "colour"),
        (
            "MATCH_epc=urn:epc:idpat:sgtin:0614141.107346.*|urn:epc:idpat:sgtin:0614141.107347.*",
            "invalid_query",
            "MATCH_epc",
        ),
        (
            "EQ_source_nowhere=x:y",
            "invalid_query",
            "EQ_source_nowhere",
        ),
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
    let (from_node, to_node) = diesel::alias!(lineage_nodes as from_node, lineage_nodes as to_node);
    let edges: Vec<(String, String, String, Option<chrono::NaiveDateTime>)> = lineage_edges::table
        .inner_join(
            from_node.on(from_node
                .field(lineage_nodes::id)
                .eq(lineage_edges::from_node)),
        )
        .inner_join(to_node.on(to_node.field(lineage_nodes::id).eq(lineage_edges::to_node)))
        .select((
            lineage_edges::kind,
            from_node.field(lineage_nodes::identifier),
            to_node.field(lineage_nodes::identifier),
            lineage_edges::valid_to,
        ))
        .order((lineage_edges::event_row_id, lineage_edges::kind))
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
    let r = tracehub_tests::fixtures::Registry::spawn_with(|_| {});
    let app = &r.app;
    let admin = app.token("admin", Role::Admin);
    // An enterprise of Zhengzhou (food) with its GS1 company prefix, and a provincial officer.
    let mut registration = tracehub_tests::fixtures::registration(1, "410102", &["food"]);
    registration["company_prefix"] = serde_json::json!("0614142");
    let response = app
        .client()
        .post(app.url("/api/v1/enterprises"))
        .json(&registration)
        .send()
        .unwrap();
    assert_eq!(response.status(), 201);
    let user =
        identity::find_user_by_name(&mut app.test_db().db().conn().unwrap(), "ent1").unwrap();
    let enterprise = app.token_for(&user, &[Scope::Read, Scope::Write]);
    // Approved by the competent department: only an approved enterprise captures.
    let competent = r.officer("zz-officer", "410100", &["food"]);
    r.approve(&competent, user.enterprise_id.unwrap());
    let officer = app.token("officer", Role::Officer);
    let response = post(
        app,
        &admin,
        "/epcis/capture",
        "application/ld+json",
        chain().into(),
    );
    let admin_job = body(response)["id"].as_i64().unwrap();
    let event = serde_json::json!({
        "@context": [CONTEXT], "type": "ObjectEvent", "eventTime": "2026-02-01T00:00:00Z",
        "eventTimeZoneOffset": "+00:00", "epcList": ["urn:epc:id:sgtin:0614142.107346.9"],
        "action": "ADD", "bizStep": "commissioning", "eventID": "ni:///sha-256;0a1b?ver=CBV2.0"
    })
    .to_string();
    let response = post(
        app,
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
        app,
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
    // An error declaration about that event is not a duplicate: it is stored beside it.
    let declared = serde_json::json!({
        "@context": [CONTEXT], "type": "ObjectEvent", "eventTime": "2026-02-01T00:00:00Z",
        "eventTimeZoneOffset": "+00:00", "epcList": ["urn:epc:id:sgtin:0614142.107346.9"],
        "action": "ADD", "bizStep": "commissioning", "eventID": "ni:///sha-256;0a1b?ver=CBV2.0",
        "errorDeclaration": {"declarationTime": "2026-02-02T00:00:00Z", "reason": "incorrect_data"}
    })
    .to_string();
    let response = post(
        app,
        &enterprise,
        "/epcis/events",
        "application/json",
        declared.clone().into(),
    );
    assert_eq!(body(response)["stored_count"], 1);
    let again = body(post(
        app,
        &enterprise,
        "/epcis/events",
        "application/json",
        declared.into(),
    ));
    assert_eq!(again["duplicate_count"], 1);
    // A document is not a single event.
    assert_error(
        post(
            app,
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
    // The administrator's job is no enterprise's: not within an officer's jurisdiction.
    assert_eq!(
        get(&officer, &format!("/epcis/capture/{admin_job}")).status(),
        404
    );
    assert_eq!(get(&officer, &location).status(), 200);
    assert_eq!(get(&admin, "/epcis/capture/424242").status(), 404);
    // The enterprise reads its own events; the officer those of its jurisdiction (the chain's
    // prefix is no registered enterprise's); the administrator everything.
    assert_eq!(times(app, &enterprise, ""), ["020100", "020100"]);
    assert_eq!(times(app, &officer, ""), ["020100", "020100"]);
    assert_eq!(times(app, &admin, "").len(), 7);
    assert_eq!(count(app, "audit"), 5);
    // One event by its eventID (percent-encoded), in either binding.
    let path = format!(
        "/epcis/events/{}",
        enc("urn:uuid:6a1f0d4e-0000-4000-8000-000000000001")
    );
    assert_eq!(get(&officer, &path).status(), 404);
    let response = get(&admin, &path);
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

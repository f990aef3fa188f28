//! eventID aliases (issue 14, part 1): the same event captured again with another eventID
//! joins the stored event, and its eventID keeps working (`EQ_eventID`, the event's resource,
//! the trace); the capture job says which stored event each duplicate joined.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use crate::common::{captured, count, enc};
use adapters::epcis::json::parse_json;
use diesel::prelude::*;
use registry::identity::Role;
use registry::schema::epcis_event_aliases;
use tracehub_tests::{TestApp, body};

const CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";
const FIRST: &str = "urn:uuid:11111111-1111-4111-8111-111111111111";
const SECOND: &str = "urn:uuid:22222222-2222-4222-8222-222222222222";
const THIRD: &str = "urn:uuid:33333333-3333-4333-8333-333333333333";
const SGTIN: &str = "urn:epc:id:sgtin:0614141.107346.2017";

/// One ObjectEvent with `event_id`, at `hour` o'clock.
fn event(event_id: &str, hour: u32) -> serde_json::Value {
    serde_json::json!({
        "type": "ObjectEvent", "eventID": event_id,
        "eventTime": format!("2026-03-01T{hour:02}:00:00Z"), "eventTimeZoneOffset": "+00:00",
        "epcList": [SGTIN], "action": "OBSERVE", "bizStep": "shipping"
    })
}

fn document(events: &[serde_json::Value]) -> Vec<u8> {
    serde_json::json!({
        "@context": [CONTEXT], "type": "EPCISDocument", "schemaVersion": "2.0",
        "creationDate": "2026-03-01T00:00:00Z", "epcisBody": {"eventList": events}
    })
    .to_string()
    .into_bytes()
}

/// The eventIDs (as stored) of what `path` answers, with its status.
fn event_ids(app: &TestApp, token: &str, path: &str) -> (u16, Vec<String>) {
    let response = app
        .client()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .unwrap();
    let status = response.status().as_u16();
    if status != 200 {
        return (status, Vec::new());
    }
    let doc = parse_json(&response.bytes().unwrap()).unwrap();
    let ids = doc
        .events
        .iter()
        .map(|e| e.event_id.clone().unwrap_or_default())
        .collect();
    (status, ids)
}

fn aliases(app: &TestApp) -> Vec<(String, i64)> {
    let conn = &mut *app.test_db().db().conn().unwrap();
    epcis_event_aliases::table
        .select((
            epcis_event_aliases::event_id,
            epcis_event_aliases::event_row_id,
        ))
        .order(epcis_event_aliases::event_id)
        .load(conn)
        .unwrap()
}

#[test]
fn a_second_eventid_of_the_same_event_is_an_alias() {
    let app = TestApp::spawn();
    let admin = app.token("admin", Role::Admin);
    let capture = |events: &[serde_json::Value]| captured(&app, &admin, document(events));
    let first = capture(&[event(FIRST, 8)]);
    assert_eq!(first["stored_count"], 1);
    assert_eq!(first["duplicates"], serde_json::json!([]));

    // The same content under another eventID: joined, and the job says to which event.
    let second = capture(&[event(SECOND, 8)]);
    assert_eq!(second["stored_count"], 0);
    assert_eq!(second["duplicate_count"], 1);
    let dup = &second["duplicates"][0];
    assert_eq!(dup["event_index"], 0);
    assert_eq!(dup["event_id"], SECOND);
    assert_eq!(dup["matched_by"], "event_hash");
    assert_eq!(dup["stored_event_id"], FIRST);
    assert_eq!(dup["aliased"], true);
    assert!(
        dup["stored_event_hash"]
            .as_str()
            .unwrap()
            .starts_with("ni:///")
    );
    assert_eq!(count(&app, "events"), 1);
    assert_eq!(aliases(&app).len(), 1);

    // The alias finds the stored event: EQ_eventID, the resource path, the trace.
    assert_eq!(
        event_ids(
            &app,
            &admin,
            &format!("/epcis/events?EQ_eventID={}", enc(SECOND))
        ),
        (200, vec![FIRST.to_owned()])
    );
    assert_eq!(
        event_ids(
            &app,
            &admin,
            &format!("/epcis/events?EQ_eventID={}|{}", enc(FIRST), enc(SECOND))
        ),
        (200, vec![FIRST.to_owned()])
    );
    assert_eq!(
        event_ids(&app, &admin, &format!("/epcis/events/{}", enc(SECOND))),
        (200, vec![FIRST.to_owned()])
    );
    let trace = body(
        app.client()
            .get(app.url(&format!("/api/v1/trace?id={}", enc(SGTIN))))
            .bearer_auth(&admin)
            .send()
            .unwrap(),
    );
    let traced = &trace["events"][0];
    assert_eq!(traced["event_id"], FIRST);
    assert_eq!(traced["event_id_aliases"], serde_json::json!([SECOND]));

    // The job keeps the list.
    let job = body(
        app.client()
            .get(app.url(&format!("/epcis/capture/{}", second["id"])))
            .bearer_auth(&admin)
            .send()
            .unwrap(),
    );
    assert_eq!(job["duplicates"], second["duplicates"]);

    // Captured again under the alias: still one alias, still joined.
    let again = capture(&[event(SECOND, 8)]);
    assert_eq!(again["duplicates"][0]["aliased"], true);
    assert_eq!(aliases(&app).len(), 1);

    // The alias with other content: refused as a taken eventID, nothing stored, no alias.
    let other = capture(&[event(SECOND, 9)]);
    assert_eq!(other["stored_count"], 0);
    let dup = &other["duplicates"][0];
    assert_eq!(dup["matched_by"], "event_id");
    assert_eq!(dup["stored_event_id"], FIRST);
    assert_eq!(dup["aliased"], false);
    assert_eq!(count(&app, "events"), 1);
    // So is the stored eventID with other content (as before aliases).
    let other = capture(&[event(FIRST, 10)]);
    assert_eq!(other["stored_count"], 0);
    assert_eq!(other["duplicates"][0]["matched_by"], "event_id");
    assert_eq!(count(&app, "events"), 1);
    assert_eq!(aliases(&app).len(), 1);
}

#[test]
fn a_repeat_within_a_document_joins_the_event_stored_from_it() {
    let app = TestApp::spawn();
    let admin = app.token("admin", Role::Admin);
    let job = captured(
        &app,
        &admin,
        document(&[event(THIRD, 7), event(SECOND, 7), event(FIRST, 11)]),
    );
    assert_eq!(job["stored_count"], 2);
    assert_eq!(job["duplicate_count"], 1);
    let dup = &job["duplicates"][0];
    assert_eq!(dup["event_index"], 1);
    assert_eq!(dup["stored_event_id"], THIRD);
    assert_eq!(dup["aliased"], true);
    assert_eq!(
        event_ids(&app, &admin, &format!("/epcis/events/{}", enc(SECOND))),
        (200, vec![THIRD.to_owned()])
    );
    // An unknown eventID is still nothing.
    assert_eq!(
        event_ids(
            &app,
            &admin,
            "/epcis/events/urn:uuid:44444444-4444-4444-8444-444444444444"
        )
        .0,
        404
    );
}

#[test]
fn taken_eventids_and_repeats_within_a_document_are_reported_not_failed() {
    let app = TestApp::spawn();
    let admin = app.token("admin", Role::Admin);
    let capture = |events: &[serde_json::Value]| captured(&app, &admin, document(events));
    capture(&[event(FIRST, 8)]);
    // The same event under SECOND, then other content under SECOND: the first makes SECOND an
    // alias, the second finds it taken.
    let job = capture(&[event(SECOND, 8), event(SECOND, 12)]);
    assert_eq!(job["stored_count"], 0);
    let dups = &job["duplicates"];
    assert_eq!(
        (&dups[0]["matched_by"], &dups[0]["aliased"]),
        (&"event_hash".into(), &true.into())
    );
    assert_eq!(dups[1]["matched_by"], "event_id");
    assert_eq!(dups[1]["stored_event_id"], FIRST);
    // Other content under the taken FIRST, and that content again under THIRD: the repeat
    // joined nothing, and says so.
    let job = capture(&[event(FIRST, 13), event(THIRD, 13)]);
    assert_eq!(job["stored_count"], 0);
    let dups = &job["duplicates"];
    assert_eq!(dups[0]["matched_by"], "event_id");
    assert_eq!(dups[1]["matched_by"], "document_repeat");
    assert_eq!(dups[1]["stored_event_id"], serde_json::Value::Null);
    assert_eq!(count(&app, "events"), 1);
    assert_eq!(aliases(&app), [(SECOND.to_owned(), aliases(&app)[0].1)]);
}

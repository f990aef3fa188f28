//! Helpers shared by the EPCIS end-to-end tests.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use adapters::epcis::{json::parse_json, xml::parse_xml};
use diesel::prelude::*;
use registry::epcis::Event;
use registry::schema::{audit_log, capture_jobs, epcis_event_nodes, epcis_events, lineage_edges};
use reqwest::blocking::Response;
use tracehub_tests::TestApp;

/// Rows in one of the EPCIS tables (or capture audit rows).
pub fn count(app: &TestApp, what: &str) -> i64 {
    let conn = &mut *app.test_db().db().conn().unwrap();
    match what {
        "events" => epcis_events::table.count().get_result(conn).unwrap(),
        "ids" => epcis_event_nodes::table.count().get_result(conn).unwrap(),
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

/// POSTs `bytes` with a bearer token.
pub fn post(
    app: &TestApp,
    token: &str,
    path: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> Response {
    app.client()
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .unwrap()
}

/// Every event of the hub, page by page through the `Link` header, in one binding.
pub fn all_events(app: &TestApp, token: &str, xml: bool, per_page: usize) -> Vec<Event> {
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

/// The event times (as `MMDDHH` UTC) of a query's result, in order.
pub fn times(app: &TestApp, token: &str, query: &str) -> Vec<String> {
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

/// Percent-encodes a query or path value.
pub fn enc(s: &str) -> String {
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

/// Captures the JSON-LD document `bytes` as `token` and asserts it was accepted (202); returns
/// the capture job.
#[track_caller]
pub fn captured(app: &TestApp, token: &str, bytes: Vec<u8>) -> serde_json::Value {
    let response = post(app, token, "/epcis/capture", "application/ld+json", bytes);
    let status = response.status();
    let job = tracehub_tests::body(response);
    assert_eq!(status, 202, "{job}");
    job
}

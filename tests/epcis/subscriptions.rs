//! Subscriptions to named queries (issue 14, part 2): a webhook receiver on loopback gets each
//! result once, signed, also after being down for a while; scheduled runs report on their slot
//! (empty ones when asked); `initialRecordTime` reports what came before; bad requests are 4xx
//! naming the field; another user sees none of them.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use std::collections::HashSet;
use std::time::Duration;

use crate::common::captured;
use adapters::epcis::json::parse_json;
use diesel::prelude::*;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::sign::Signer;
use registry::events::subscriptions::DELIVER_JOB;
use registry::identity::Role;
use registry::schema::outbox;
use reqwest::blocking::Response;
use serde_json::{Value, json};
use tracehub_tests::webhook::{Received, WebhookReceiver};
use tracehub_tests::{TestApp, assert_error, body, wait_until};

const CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";
const TOKEN: &str = "13df38d8275b13f05704629e5f1cf3d45d6132d5";

/// A document of one ObjectEvent per `(serial, bizStep)`, at times after `day`.
fn document(day: u32, events: &[(u32, &str)]) -> Vec<u8> {
    let list: Vec<Value> = events
        .iter()
        .enumerate()
        .map(|(n, (serial, step))| {
            json!({"type": "ObjectEvent",
                   "eventTime": format!("2026-06-{day:02}T0{n}:00:00Z"), "eventTimeZoneOffset": "+00:00",
                   "epcList": [format!("https://id.gs1.org/01/09521141012345/21/{serial}")],
                   "action": "OBSERVE", "bizStep": step})
        })
        .collect();
    json!({"@context": [CONTEXT], "type": "EPCISDocument", "schemaVersion": "2.0",
           "creationDate": "2026-06-01T00:00:00Z", "epcisBody": {"eventList": list}})
    .to_string()
    .into_bytes()
}

fn hub() -> TestApp {
    TestApp::spawn_with(|c| {
        c.epcis.webhook_plain_http = true;
        c.jobs.poll_interval_ms = 50;
    })
}

fn send(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    json: Option<Value>,
) -> Response {
    let mut request = app
        .client()
        .request(method, app.url(path))
        .bearer_auth(token);
    if let Some(json) = json {
        request = request.json(&json);
    }
    request.send().unwrap()
}

fn save_query(app: &TestApp, token: &str, name: &str, query: Value) {
    let saved = send(
        app,
        token,
        reqwest::Method::POST,
        "/epcis/queries",
        Some(json!({"name": name, "query": query})),
    );
    assert_eq!(saved.status(), 201);
}

fn subscribe(app: &TestApp, token: &str, query: &str, request: Value) -> Value {
    let path = format!("/epcis/queries/{query}/subscriptions");
    let response = send(app, token, reqwest::Method::POST, &path, Some(request));
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let made = body(response);
    assert_eq!(
        location,
        format!("{path}/{}", made["subscriptionID"].as_str().unwrap())
    );
    made
}

/// The serials of a delivered document's events, its signature checked.
fn serials(delivery: &Received) -> Vec<String> {
    let key = PKey::hmac(TOKEN.as_bytes()).unwrap();
    let mut signer = Signer::new(MessageDigest::sha256(), &key).unwrap();
    let expected = format!(
        "sha256={}",
        hex::encode(signer.sign_oneshot_to_vec(&delivery.body).unwrap())
    );
    assert_eq!(
        delivery.headers["gs1-signature"], expected,
        "signed with the token"
    );
    let doc = parse_json(&delivery.body).unwrap();
    doc.events
        .iter()
        .flat_map(|e| e.epc_list.iter())
        .map(|epc| epc.rsplit('/').next().unwrap().to_owned())
        .collect()
}

/// (status, attempts) of every delivery job.
fn deliveries(app: &TestApp) -> Vec<(String, i32)> {
    outbox::table
        .filter(outbox::kind.eq(DELIVER_JOB))
        .order(outbox::id)
        .select((outbox::status, outbox::attempts))
        .load(&mut app.test_db().raw())
        .unwrap()
}

#[test]
fn a_stream_subscription_gets_each_result_once_signed_also_after_the_receiver_was_down() {
    let mut receiver = WebhookReceiver::start();
    let app = hub();
    let admin = app.token("admin", Role::Admin);
    save_query(
        &app,
        &admin,
        "shipments",
        json!({"EQ_bizStep": ["shipping"]}),
    );
    let made = subscribe(
        &app,
        &admin,
        "shipments",
        json!({"dest": receiver.url("/hook"), "signatureToken": TOKEN, "stream": true}),
    );
    assert_eq!(made["signed"], true);
    assert_eq!(made["stream"], true);
    assert!(
        !made.to_string().contains(TOKEN),
        "the token is never shown"
    );
    let id = made["subscriptionID"].as_str().unwrap().to_owned();

    // A capture: its shipping event (not its receiving one) is delivered, signed.
    captured(
        &app,
        &admin,
        document(1, &[(1, "shipping"), (2, "receiving")]),
    );
    wait_until("the first delivery", || receiver.received().len() == 1);
    let first = receiver.received().remove(0);
    assert_eq!(first.line, "POST /hook HTTP/1.1");
    assert_eq!(first.headers["gs1-subscription-id"], id);
    assert_eq!(first.headers["gs1-query-name"], "shipments");
    assert_eq!(serials(&first), ["1"]);
    let doc: Value = serde_json::from_slice(&first.body).unwrap();
    assert_eq!(doc["type"], "EPCISQueryDocument");
    assert_eq!(
        doc["epcisBody"]["queryResults"]["subscriptionID"],
        id.as_str()
    );

    // The receiver goes down: the next result waits, retried, and arrives once when it is back.
    receiver.stop();
    captured(
        &app,
        &admin,
        document(2, &[(3, "shipping"), (4, "shipping")]),
    );
    wait_until("a failed attempt", || {
        deliveries(&app)
            .get(1)
            .is_some_and(|(s, a)| s == "queued" && *a == 1)
    });
    receiver.resume();
    diesel::update(outbox::table.filter(outbox::kind.eq(DELIVER_JOB)))
        .set(outbox::run_after.eq(app.now()))
        .execute(&mut app.test_db().raw())
        .unwrap();
    wait_until("the delivery after the outage", || {
        receiver.received().len() == 2
    });
    // The same events again, and a capture with nothing for the query: nothing more is sent.
    captured(
        &app,
        &admin,
        document(2, &[(3, "shipping"), (4, "shipping")]),
    );
    captured(&app, &admin, document(3, &[(5, "receiving")]));
    std::thread::sleep(Duration::from_millis(800));
    let received = receiver.received();
    assert_eq!(received.len(), 2, "every result once");
    assert_eq!(serials(&received[1]), ["3", "4"]);
    let ids: HashSet<&str> = received
        .iter()
        .map(|r| r.headers["gs1-delivery-id"].as_str())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(deliveries(&app).iter().all(|(s, _)| s == "done"));

    // Listed, read, deleted: then nothing more is delivered.
    let path = format!("/epcis/queries/shipments/subscriptions/{id}");
    let listed = body(send(
        &app,
        &admin,
        reqwest::Method::GET,
        "/epcis/queries/shipments/subscriptions",
        None,
    ));
    assert_eq!(listed[0]["subscriptionID"], id.as_str());
    assert!(listed[0]["lastNotifiedAt"].is_string());
    let one = body(send(&app, &admin, reqwest::Method::GET, &path, None));
    assert_eq!(one["dest"], receiver.url("/hook"));
    assert_eq!(
        send(&app, &admin, reqwest::Method::DELETE, &path, None).status(),
        204
    );
    assert_error(
        send(&app, &admin, reqwest::Method::GET, &path, None),
        404,
        "not_found",
    );
    captured(&app, &admin, document(4, &[(6, "shipping")]));
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(receiver.received().len(), 2);
}

#[test]
fn scheduled_subscriptions_report_on_their_slot_and_initial_record_time_reports_the_past() {
    let receiver = WebhookReceiver::start();
    let app = hub();
    let admin = app.token("admin", Role::Admin);
    save_query(&app, &admin, "all", json!({}));
    captured(&app, &admin, document(1, &[(1, "shipping")]));

    // Every second, empty results too.
    let every_second = subscribe(
        &app,
        &admin,
        "all",
        json!({"dest": receiver.url("/tick"), "signatureToken": TOKEN,
               "schedule": {"second": "*"}, "reportIfEmpty": true}),
    );
    assert_eq!(every_second["schedule"]["second"], "*");
    assert!(every_second["nextRunAt"].is_string());
    let ticks = || -> Vec<Received> {
        receiver
            .received()
            .into_iter()
            .filter(|r| r.line.contains("/tick"))
            .collect()
    };
    wait_until("an empty scheduled result", || !ticks().is_empty());
    assert!(
        serials(&ticks()[0]).is_empty(),
        "what came before is not reported"
    );
    captured(
        &app,
        &admin,
        document(2, &[(2, "shipping"), (3, "receiving")]),
    );
    wait_until("the scheduled result", || {
        ticks().iter().any(|t| !serials(t).is_empty())
    });
    std::thread::sleep(Duration::from_millis(2500));
    let reported: Vec<String> = ticks().iter().flat_map(serials).collect();
    assert_eq!(
        reported,
        ["2", "3"],
        "each event once, however many slots passed"
    );

    // A stream subscription from a past time gets what was recorded since at once.
    subscribe(
        &app,
        &admin,
        "all",
        json!({"dest": receiver.url("/past"), "signatureToken": TOKEN, "stream": true,
               "initialRecordTime": "2020-01-01T00:00:00+08:00"}),
    );
    wait_until("the past reported", || {
        receiver.received().iter().any(|r| r.line.contains("/past"))
    });
    let past: Vec<String> = receiver
        .received()
        .iter()
        .filter(|r| r.line.contains("/past"))
        .flat_map(serials)
        .collect();
    assert_eq!(past, ["1", "2", "3"]);
}

#[test]
fn bad_subscriptions_are_refused_naming_the_field_and_others_see_none() {
    let app = TestApp::spawn();
    let admin = app.token("admin", Role::Admin);
    let other = app.token("other", Role::Ministry);
    save_query(&app, &admin, "mine", json!({"EQ_bizStep": ["shipping"]}));
    let post = |token: &str, query: &str, request: Value| {
        send(
            &app,
            token,
            reqwest::Method::POST,
            &format!("/epcis/queries/{query}/subscriptions"),
            Some(request),
        )
    };
    let refused = |request: Value, field: &str| {
        let error = assert_error(post(&admin, "mine", request), 400, "invalid_field");
        assert_eq!(error["field"], field);
    };
    let dest = "https://receiver.example.cn/epcis";
    refused(json!({"dest": dest}), "schedule");
    refused(
        json!({"dest": dest, "stream": true, "schedule": {"hour": "1"}}),
        "stream",
    );
    refused(
        json!({"dest": dest, "schedule": {"hour": "24"}}),
        "schedule.hour",
    );
    refused(
        json!({"dest": dest, "schedule": {"dayOfWeek": "[5-2]"}}),
        "schedule.dayOfWeek",
    );
    refused(
        json!({"dest": "http://receiver.example.cn/epcis", "stream": true}),
        "dest",
    );
    refused(
        json!({"dest": "ftp://receiver.example.cn/", "stream": true}),
        "dest",
    );
    refused(json!({"dest": "receiver", "stream": true}), "dest");
    refused(
        json!({"dest": dest, "stream": true, "signatureToken": ""}),
        "signatureToken",
    );
    refused(
        json!({"dest": dest, "stream": true, "reportIfEmpty": true}),
        "reportIfEmpty",
    );
    refused(
        json!({"dest": dest, "stream": true, "initialRecordTime": "yesterday"}),
        "initialRecordTime",
    );
    assert_eq!(
        post(
            &admin,
            "mine",
            json!({"dest": dest, "stream": true, "secret": "x"})
        )
        .status(),
        400
    );
    assert_error(
        post(&admin, "nobody", json!({"dest": dest, "stream": true})),
        404,
        "not_found",
    );

    let made = subscribe(
        &app,
        &admin,
        "mine",
        json!({"dest": dest, "schedule": {"hour": "1", "minute": "5"}}),
    );
    assert_eq!(made["signed"], false);
    let path = format!(
        "/epcis/queries/mine/subscriptions/{}",
        made["subscriptionID"].as_str().unwrap()
    );
    // Another user has no query of that name: nothing to see or delete.
    assert_error(
        send(&app, &other, reqwest::Method::GET, &path, None),
        404,
        "not_found",
    );
    assert_error(
        send(&app, &other, reqwest::Method::DELETE, &path, None),
        404,
        "not_found",
    );
    assert_error(
        post(&other, "mine", json!({"dest": dest, "stream": true})),
        404,
        "not_found",
    );
    // Deleting the query deletes its subscriptions.
    assert_eq!(
        send(
            &app,
            &admin,
            reqwest::Method::DELETE,
            "/epcis/queries/mine",
            None
        )
        .status(),
        204
    );
    save_query(&app, &admin, "mine", json!({}));
    let listed = body(send(
        &app,
        &admin,
        reqwest::Method::GET,
        "/epcis/queries/mine/subscriptions",
        None,
    ));
    assert_eq!(listed, json!([]));
}

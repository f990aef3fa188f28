//! Scheduled jobs through the outbox: a schedule enqueues once per slot, the worker does the job
//! and records the outcome; a broken audit chain ends as a dead job naming the row.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use std::time::{Duration, Instant};

use diesel::prelude::*;
use registry::identity::Role;
use registry::schema::{audit_log, outbox};
use tracehub_tests::TestApp;

fn wait_for(app: &TestApp, status: &str) -> (String, Option<String>) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let found: Option<(String, Option<String>)> = outbox::table
            .filter(outbox::kind.eq(hub::jobs::AUDIT_VERIFY))
            .filter(outbox::status.eq(status))
            .select((outbox::payload, outbox::last_error))
            .first(&mut app.test_db().raw())
            .optional()
            .unwrap();
        if let Some(found) = found {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "no {status} audit.verify job within 15 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_audit_chain_is_verified_on_schedule_and_a_break_is_recorded() {
    let app = TestApp::spawn_with(|c| {
        c.jobs.audit_verify = "* * * * * *".into();
        c.jobs.poll_interval_ms = 50;
    });
    let admin = app.token("root", Role::Admin);
    let created = app
        .client()
        .post(app.url("/api/v1/tokens"))
        .bearer_auth(&admin)
        .json(&serde_json::json!({ "name": "feed", "scopes": ["read"] }))
        .send()
        .unwrap();
    assert_eq!(created.status(), 201);
    let (payload, _) = wait_for(&app, "done");
    assert!(payload.contains("slot"));

    diesel::update(audit_log::table.find(1))
        .set(audit_log::action.eq("token.delete"))
        .execute(&mut app.test_db().raw())
        .unwrap();
    let (_, error) = wait_for(&app, "dead");
    assert!(error.unwrap().contains("row 1 was edited"));

    // One job per slot, however often the scheduler looked.
    let keys: Vec<Option<String>> = outbox::table
        .select(outbox::dedupe_key)
        .load(&mut app.test_db().raw())
        .unwrap();
    let mut distinct = keys.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), keys.len());
}

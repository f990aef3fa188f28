//! The outbox on the backend the test environment selects.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use chrono::Duration;
use diesel::prelude::*;
use serde_json::json;

use super::*;
use crate::error::Code;
use crate::testing::TestDb;
use crate::testing::now;

fn job<'a>(kind: &'a str, key: Option<&'a str>) -> NewJob<'a> {
    NewJob {
        kind,
        payload: json!({ "to": "ministry" }),
        dedupe_key: key,
        company_prefix: "6901234",
        max_attempts: 3,
        run_after: None,
    }
}

fn enqueue_one(test: &TestDb, new: &NewJob<'_>) -> Option<i64> {
    test.db()
        .transaction(|conn| enqueue(conn, now(), new))
        .unwrap()
}

#[test]
fn jobs_are_enqueued_once_per_key_and_only_with_their_transaction() {
    let test = TestDb::new();
    let first = enqueue_one(&test, &job("notice.email", Some("blacklist:42"))).unwrap();
    assert_eq!(
        enqueue_one(&test, &job("notice.email", Some("blacklist:42"))),
        None
    );
    assert!(enqueue_one(&test, &job("notice.email", None)).is_some());
    assert!(
        enqueue_one(&test, &job("notice.email", None)).is_some(),
        "no key, no deduplication"
    );
    // A rolled-back change sends nothing.
    let rolled_back: Result<()> = test.db().transaction(|conn| {
        enqueue(conn, now(), &job("notice.email", Some("never")))?;
        Err(RegistryError::conflict(Code::Conflict, "abort"))
    });
    assert!(rolled_back.is_err());
    let count: i64 = outbox::table.count().get_result(&mut test.raw()).unwrap();
    assert_eq!(count, 3);
    assert_eq!(find(&mut test.raw(), first).unwrap().status, "queued");
}

#[test]
fn claims_take_ready_jobs_in_order_and_retry_with_backoff_until_dead() {
    let test = TestDb::new();
    let db = test.db();
    let later = NewJob {
        run_after: Some(now() + Duration::hours(1)),
        ..job("exchange.push", None)
    };
    enqueue_one(&test, &later);
    let a = enqueue_one(&test, &job("exchange.push", None)).unwrap();
    let b = enqueue_one(&test, &job("notice.email", None)).unwrap();

    assert!(
        claim(db, &["other.kind"], Duration::minutes(1))
            .unwrap()
            .is_none()
    );
    let claimed = claim(db, &["exchange.push", "notice.email"], Duration::minutes(1))
        .unwrap()
        .unwrap();
    assert_eq!(
        (claimed.id, claimed.attempts, claimed.status.as_str()),
        (a, 1, "running")
    );
    let next = claim(db, &["exchange.push", "notice.email"], Duration::minutes(1))
        .unwrap()
        .unwrap();
    assert_eq!(
        next.id, b,
        "a leased job is not claimed twice; a future job waits"
    );
    assert!(
        claim(db, &["exchange.push", "notice.email"], Duration::minutes(1))
            .unwrap()
            .is_none()
    );

    complete(db, b).unwrap();
    assert_eq!(find(&mut test.raw(), b).unwrap().status, "done");

    match fail(db, a, "connection refused").unwrap() {
        AfterFailure::RetryAt(at) => assert!(at > now() + Duration::seconds(25)),
        AfterFailure::Dead => panic!("two attempts are left"),
    }
    assert!(
        claim(db, &["exchange.push"], Duration::minutes(1))
            .unwrap()
            .is_none(),
        "backing off"
    );
    for attempt in 2..=3 {
        diesel::update(outbox::table.find(a))
            .set(outbox::run_after.eq(now()))
            .execute(&mut test.raw())
            .unwrap();
        let again = claim(db, &["exchange.push"], Duration::minutes(1))
            .unwrap()
            .unwrap();
        assert_eq!((again.id, again.attempts), (a, attempt));
        let outcome = fail(db, a, "HTTP 503").unwrap();
        assert_eq!(outcome == AfterFailure::Dead, attempt == 3);
    }
    let dead = find(&mut test.raw(), a).unwrap();
    assert_eq!(
        (dead.status.as_str(), dead.last_error.as_deref()),
        ("dead", Some("HTTP 503"))
    );
    assert_eq!(backoff(1), Duration::seconds(30));
    assert_eq!(backoff(2), Duration::seconds(60));
    assert_eq!(backoff(40), Duration::hours(6));
}

#[test]
fn a_job_whose_worker_died_is_claimed_again_after_its_lease() {
    let test = TestDb::new();
    let id = enqueue_one(&test, &job("notice.email", None)).unwrap();
    let first = claim(test.db(), &["notice.email"], Duration::minutes(5))
        .unwrap()
        .unwrap();
    assert_eq!(first.id, id);
    diesel::update(outbox::table.find(id))
        .set(outbox::locked_until.eq(now() - Duration::seconds(1)))
        .execute(&mut test.raw())
        .unwrap();
    let again = claim(test.db(), &["notice.email"], Duration::minutes(5))
        .unwrap()
        .unwrap();
    assert_eq!((again.id, again.attempts), (id, 2));
}

#[test]
fn concurrent_workers_never_share_a_job() {
    let test = TestDb::new();
    for _ in 0..40 {
        enqueue_one(&test, &job("exchange.push", None));
    }
    // Separate pools stand for separate replicas.
    let seen = Arc::new(Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let db = crate::db::Db::open(
                test.url(),
                crate::db::PoolOptions {
                    max_size: 2,
                    ..Default::default()
                },
            )
            .unwrap()
            .with_clock(test.clock().clone());
            let seen = Arc::clone(&seen);
            std::thread::spawn(move || {
                while let Some(job) = claim(&db, &["exchange.push"], Duration::minutes(1)).unwrap()
                {
                    seen.lock().unwrap().push(job.id);
                    complete(&db, job.id).unwrap();
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    let seen = seen.lock().unwrap();
    let distinct: HashSet<_> = seen.iter().collect();
    assert_eq!(
        (seen.len(), distinct.len()),
        (40, 40),
        "each job delivered exactly once"
    );
}

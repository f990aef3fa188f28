//! Issuing orders on the backend the test environment selects.

use std::collections::HashSet;

use diesel::prelude::*;

use super::fixtures::*;
use super::*;
use crate::db::DbConn;
use crate::departments::Category;
use crate::enterprises::{Decision, decide};
use crate::error::Code;
use crate::error::RegistryError;
use crate::identity::AuthMethod;
use crate::schema::stamps;
use crate::testing::TestDb;
use crate::testing::blacklist_enterprise;
use crate::testing::now;
use crate::testing::officer;

fn order(enterprise_id: i64, product_id: i64, quantity: i64, kind: StampKind) -> NewStampOrder {
    NewStampOrder {
        enterprise_id,
        product_id,
        quantity,
        kind,
    }
}

/// (serial, seq, key_version) of an order's stamps, by seq.
fn stored(conn: &mut DbConn, order_id: i64) -> Vec<(String, i64, Option<i32>)> {
    stamps::table
        .filter(stamps::order_id.eq(order_id))
        .order(stamps::seq)
        .select((stamps::serial, stamps::seq, stamps::key_version))
        .load(conn)
        .unwrap()
}

fn conflict_code(result: crate::Result<StampOrder>) -> &'static str {
    match result {
        Err(RegistryError::Conflict { code, .. }) => code.as_str(),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[test]
fn an_officer_of_the_competent_department_issues_to_an_active_enterprise() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    let competent = officer(
        conn,
        "zz-food",
        "410100",
        Category::Food,
        AuthMethod::Session,
    );
    let drugs = officer(
        conn,
        "zz-drugs",
        "410100",
        Category::Drugs,
        AuthMethod::Session,
    );
    let elsewhere = officer(
        conn,
        "hn-food",
        "430100",
        Category::Food,
        AuthMethod::Session,
    );
    let (ent, user) = active_enterprise(conn, &competent, 1);
    let milk = product(conn, &user, ent, 1, 1);
    let ring = ring_v1();

    for stranger in [&drugs, &elsewhere, &user] {
        assert!(matches!(
            issue_order(
                conn,
                now(),
                stranger,
                &order(ent, milk, 10, StampKind::Qr),
                &ring,
                HOST
            ),
            Err(RegistryError::Denied {
                code: Code::OutsideJurisdiction,
                ..
            })
        ));
    }
    for (bad, field) in [
        (order(ent, milk, 0, StampKind::Qr), "quantity"),
        (order(ent, milk, 1_000_001, StampKind::Qr), "quantity"),
        (order(999, milk, 1, StampKind::Qr), "enterprise_id"),
        (order(ent, 999, 1, StampKind::Qr), "product_id"),
    ] {
        assert!(matches!(
            issue_order(conn, now(), &competent, &bad, &ring, HOST),
            Err(RegistryError::Invalid { field: f, .. }) if f == field
        ));
    }

    let issued = issue_order(
        conn,
        now(),
        &competent,
        &order(ent, milk, 250, StampKind::Qr),
        &ring,
        HOST,
    )
    .unwrap();
    assert_eq!(issued.quantity, 250);
    assert_eq!(issued.kind, "qr");
    assert_eq!(issued.company_prefix, "6901231");
    assert_eq!(issued.resolver_host, HOST);
    assert_eq!(issued.department_id, competent.department_id.unwrap());
    let rows = stored(conn, issued.id);
    assert_eq!(rows.len(), 250);
    assert!(rows.iter().map(|r| r.1).eq(1..=250));
    assert!(rows.iter().all(|r| r.2.is_none()));
    assert!(rows.iter().all(|r| Serial::parse(&r.0).is_ok()));
    assert_eq!(find_order(conn, &user, issued.id).unwrap(), issued);
    assert_eq!(find_order(conn, &competent, issued.id).unwrap(), issued);
    assert!(matches!(
        find_order(conn, &elsewhere, issued.id),
        Err(RegistryError::Denied { .. })
    ));
    let (_, other_user) = active_enterprise(conn, &competent, 2);
    assert!(matches!(
        find_order(conn, &other_user, issued.id),
        Err(RegistryError::NotFound { .. })
    ));
}

#[test]
fn blacklisted_suspended_and_not_yet_active_enterprises_get_no_stamps() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    let competent = officer(
        conn,
        "zz-food",
        "410100",
        Category::Food,
        AuthMethod::Session,
    );
    let ring = ring_v1();

    let (listed, user) = active_enterprise(conn, &competent, 1);
    let milk = product(conn, &user, listed, 1, 1);
    blacklist_enterprise(conn, &competent, listed);
    let new = order(listed, milk, 5, StampKind::Qr);
    assert_eq!(
        conflict_code(issue_order(conn, now(), &competent, &new, &ring, HOST)),
        "enterprise_blacklisted"
    );

    let (suspended, user) = active_enterprise(conn, &competent, 2);
    let milk = product(conn, &user, suspended, 2, 1);
    decide(
        conn,
        now(),
        &competent,
        suspended,
        Decision::Suspend,
        Some("抽检不合格"),
    )
    .unwrap();
    let new = order(suspended, milk, 5, StampKind::Qr);
    assert_eq!(
        conflict_code(issue_order(conn, now(), &competent, &new, &ring, HOST)),
        "enterprise_suspended"
    );
    decide(
        conn,
        now(),
        &competent,
        suspended,
        Decision::Revoke,
        Some("吊销"),
    )
    .unwrap();
    assert_eq!(
        conflict_code(issue_order(conn, now(), &competent, &new, &ring, HOST)),
        "enterprise_not_active"
    );

    let (pending, _) = pending_enterprise(conn, 3);
    let new = order(pending, 1, 5, StampKind::Qr);
    assert_eq!(
        conflict_code(issue_order(conn, now(), &competent, &new, &ring, HOST)),
        "enterprise_not_active"
    );
    let (rejected, _) = pending_enterprise(conn, 4);
    decide(
        conn,
        now(),
        &competent,
        rejected,
        Decision::Reject,
        Some("材料不全"),
    )
    .unwrap();
    let new = order(rejected, 1, 5, StampKind::Qr);
    assert_eq!(
        conflict_code(issue_order(conn, now(), &competent, &new, &ring, HOST)),
        "enterprise_not_active"
    );

    let none: i64 = stamps::table.count().get_result(conn).unwrap();
    assert_eq!(none, 0);
}

#[test]
fn hidden_codes_verify_only_for_their_serial_and_key_version_across_rotation() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    let competent = officer(
        conn,
        "zz-food",
        "410100",
        Category::Food,
        AuthMethod::Session,
    );
    let (ent, user) = active_enterprise(conn, &competent, 1);
    let milk = product(conn, &user, ent, 1, 1);
    let new = order(ent, milk, 20, StampKind::AntiCounterfeit);

    let v1 = ring_v1();
    let before = issue_order(conn, now(), &competent, &new, &v1, HOST).unwrap();
    assert_eq!(before.kind, "anti_counterfeit");
    let old = stored(conn, before.id);
    assert!(old.iter().all(|r| r.2 == Some(1)));

    let v2 = ring_v2();
    let after = issue_order(conn, now(), &competent, &new, &v2, HOST).unwrap();
    let new_rows = stored(conn, after.id);
    assert!(new_rows.iter().all(|r| r.2 == Some(2)));

    // What the sheet would print (derived, never stored), checked as the resolver would.
    for (rows, ring_at_issue) in [(&old, &v1), (&new_rows, &v2)] {
        for (i, (serial, _, version)) in rows.iter().enumerate() {
            let serial = Serial::parse(serial).unwrap();
            let version = u16::try_from(version.unwrap()).unwrap();
            let (_, code) = ring_at_issue.issue(&serial);
            assert!(v2.verify(version, &serial, code.as_str()).unwrap());
            let other = Serial::parse(&rows[(i + 1) % rows.len()].0).unwrap();
            assert!(!v2.verify(version, &other, code.as_str()).unwrap());
            let wrong_version = if version == 1 { 2 } else { 1 };
            assert!(!v2.verify(wrong_version, &serial, code.as_str()).unwrap());
        }
    }
}

#[test]
fn a_serial_already_taken_is_drawn_again() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    let competent = officer(
        conn,
        "zz-food",
        "410100",
        Category::Food,
        AuthMethod::Session,
    );
    let (ent, user) = active_enterprise(conn, &competent, 1);
    let milk = product(conn, &user, ent, 1, 1);
    let ring = ring_v1();
    let new = order(ent, milk, 30, StampKind::Qr);
    let first = issue_order(conn, now(), &competent, &new, &ring, HOST).unwrap();
    let taken = Serial::parse(&stored(conn, first.id)[7].0).unwrap();

    // A generator that repeats a serial of the first order (twice) and one of its own.
    let own = Serial::parse("23456789ABCDEF").unwrap();
    let mut serials = [taken, own, own, taken]
        .into_iter()
        .chain(SerialGenerator::from_thread_rng());
    let mut seen = Vec::new();
    let second = issue_order_with(
        conn,
        now(),
        &competent,
        &new,
        &ring,
        HOST,
        &mut serials,
        &mut |n| seen.push(n),
    )
    .unwrap();
    assert_eq!(seen, vec![30]);
    let rows = stored(conn, second.id);
    assert_eq!(rows.len(), 30);
    assert!(rows.iter().map(|r| r.1).eq(1..=30));
    assert_eq!(
        rows.iter().filter(|r| r.0 == own.as_str()).count(),
        1,
        "a fresh serial is kept, its repeat skipped"
    );
    assert!(
        rows.windows(2).all(|w| w[0].0 < w[1].0),
        "serials are numbered in sorted order"
    );
    assert!(rows.iter().all(|r| r.0 != taken.as_str()));
    let all: i64 = stamps::table.count().get_result(conn).unwrap();
    assert_eq!(all, 60);
}

fn issued_serials_are_distinct_and_short(n: i64) {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    let competent = officer(
        conn,
        "zz-food",
        "410100",
        Category::Food,
        AuthMethod::Session,
    );
    let (ent, user) = active_enterprise(conn, &competent, 1);
    let milk = product(conn, &user, ent, 1, 1);
    let issued = issue_order(
        conn,
        now(),
        &competent,
        &order(ent, milk, n, StampKind::AntiCounterfeit),
        &ring_v1(),
        HOST,
    )
    .unwrap();
    let serials: Vec<String> = stamps::table
        .filter(stamps::order_id.eq(issued.id))
        .select(stamps::serial)
        .load(conn)
        .unwrap();
    assert_eq!(serials.len() as i64, n);
    let distinct: HashSet<&str> = serials.iter().map(String::as_str).collect();
    assert_eq!(distinct.len() as i64, n);
    let base = issued.link_base().unwrap();
    for s in &serials {
        let serial = Serial::parse(s).unwrap();
        assert!(s.len() <= 50);
        let uri = base.uri(&serial);
        let path = &uri[uri.find("/01/").unwrap()..];
        assert!(path.len() <= 50, "{path}");
        assert_eq!(StampPath::parse(path).unwrap().stamp_serial(), Some(serial));
    }
}

/// The 1,000,000 of the acceptance criteria, through the real issue path (about 12 s in a
/// debug build).
#[test]
fn a_million_issued_serials_are_distinct() {
    issued_serials_are_distinct_and_short(1_000_000);
}

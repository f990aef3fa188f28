//! Activation, revocation and the order reads on the backend the test environment selects.

use super::fixtures::*;
use super::*;
use crate::db::DbConn;
use crate::departments::Category;
use crate::error::RegistryError;
use crate::identity::AuthMethod;
use crate::testing::TestDb;
use crate::testing::officer;

struct World {
    competent: Actor,
    elsewhere: Actor,
    ent: i64,
    user: Actor,
    other_user: Actor,
    milk: i64,
    order: StampOrder,
    lot: i64,
    cheese_lot: i64,
    other_lot: i64,
}

use crate::identity::Actor;
use crate::testing::now;

fn world(conn: &mut DbConn) -> World {
    let competent = officer(
        conn,
        "zz-food",
        "410100",
        Category::Food,
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
    let (other, other_user) = active_enterprise(conn, &competent, 2);
    let milk = product(conn, &user, ent, 1, 1);
    let cheese = product(conn, &user, ent, 1, 2);
    let other_milk = product(conn, &other_user, other, 2, 1);
    let order = issue_order(
        conn,
        now(),
        &competent,
        &NewStampOrder {
            enterprise_id: ent,
            product_id: milk,
            quantity: 100,
            kind: StampKind::Qr,
        },
        &ring_v1(),
        HOST,
    )
    .unwrap();
    World {
        lot: batch(conn, &user, ent, milk, "L1"),
        cheese_lot: batch(conn, &user, ent, cheese, "C1"),
        other_lot: batch(conn, &other_user, other, other_milk, "O1"),
        competent,
        elsewhere,
        ent,
        user,
        other_user,
        milk,
        order,
    }
}

fn code<T: std::fmt::Debug>(result: crate::Result<T>) -> String {
    match result {
        Err(RegistryError::Conflict { code, message, .. }) => format!("{code}: {message}"),
        Err(RegistryError::Denied { code, .. }) => code.to_string(),
        Err(RegistryError::NotFound { .. }) => "not_found".into(),
        Err(RegistryError::Invalid { field, .. }) => format!("invalid {field}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn range(batch_id: i64, first: i64, last: i64) -> OrderActivation {
    OrderActivation {
        batch_id,
        first_seq: Some(first),
        last_seq: Some(last),
    }
}

#[test]
fn the_enterprise_activates_its_stamps_on_its_batches_of_the_same_product() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    let w = world(conn);
    let id = w.order.id;

    assert_eq!(
        code(activate_order(
            conn,
            now(),
            &w.other_user,
            id,
            &range(w.other_lot, 1, 5)
        )),
        "not_found"
    );
    assert_eq!(
        code(activate_order(
            conn,
            now(),
            &w.competent,
            id,
            &range(w.lot, 1, 5)
        )),
        "not_found"
    );
    assert!(
        code(activate_order(
            conn,
            now(),
            &w.user,
            id,
            &range(w.other_lot, 1, 5)
        ))
        .starts_with("batch_not_own")
    );
    assert!(
        code(activate_order(conn, now(), &w.user, id, &range(999, 1, 5)))
            .starts_with("batch_not_own")
    );
    assert!(
        code(activate_order(
            conn,
            now(),
            &w.user,
            id,
            &range(w.cheese_lot, 1, 5)
        ))
        .starts_with("batch_other_product")
    );
    assert_eq!(
        code(activate_order(
            conn,
            now(),
            &w.user,
            id,
            &range(w.lot, 0, 5)
        )),
        "invalid first_seq"
    );
    assert_eq!(
        code(activate_order(
            conn,
            now(),
            &w.user,
            id,
            &range(w.lot, 6, 5)
        )),
        "invalid last_seq"
    );
    assert_eq!(
        code(activate_order(
            conn,
            now(),
            &w.user,
            id,
            &range(w.lot, 1, 101)
        )),
        "invalid last_seq"
    );

    let done = activate_order(conn, now(), &w.user, id, &range(w.lot, 11, 20)).unwrap();
    assert_eq!(
        (done.first_seq, done.last_seq, done.activated),
        (11, 20, 10)
    );
    assert_eq!(done.lot, "L1");

    // Overlapping 1..=15 refuses wholly, naming stamp 11.
    let page = order_stamps(conn, &w.user, id, Some(1), Some(100)).unwrap();
    let eleventh = page.items[10].serial.clone();
    let refused = code(activate_order(
        conn,
        now(),
        &w.user,
        id,
        &range(w.lot, 1, 15),
    ));
    assert!(
        refused.starts_with("stamp_already_activated") && refused.contains(&eleventh),
        "{refused}"
    );
    let summary = order_summary(conn, &w.user, id).unwrap();
    assert_eq!(
        (summary.issued, summary.activated, summary.revoked),
        (100, 10, 0)
    );

    // One stamp by serial (any case), then the rest of the order except what is taken fails.
    let first = page.items[0].serial.to_lowercase();
    let one = activate_stamp(
        conn,
        now(),
        &w.user,
        &first,
        &StampActivation { batch_id: w.lot },
    )
    .unwrap();
    assert_eq!((one.first_seq, one.last_seq), (1, 1));
    assert!(
        code(activate_stamp(
            conn,
            now(),
            &w.user,
            &first,
            &StampActivation { batch_id: w.lot }
        ))
        .starts_with("stamp_already_activated")
    );
    assert_eq!(
        code(activate_stamp(
            conn,
            now(),
            &w.other_user,
            &first,
            &StampActivation {
                batch_id: w.other_lot
            }
        )),
        "not_found"
    );
    assert_eq!(
        code(activate_stamp(
            conn,
            now(),
            &w.user,
            "NOSUCHSERIAL22",
            &StampActivation { batch_id: w.lot }
        )),
        "not_found"
    );
    let rest = activate_order(conn, now(), &w.user, id, &range(w.lot, 21, 100)).unwrap();
    assert_eq!(rest.activated, 80);
    let page = order_stamps(conn, &w.user, id, Some(1), Some(5)).unwrap();
    assert_eq!(page.items.len(), 5);
    assert_eq!(page.items[0].state, "active");
    assert_eq!(page.items[0].lot.as_deref(), Some("L1"));
    assert_eq!(page.items[1].state, "issued");
    assert_eq!(page.total, 100);
    let _ = (w.ent, w.milk);
}

#[test]
fn the_issuing_department_revokes_idempotently_and_revoked_stamps_never_activate() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    let w = world(conn);
    let id = w.order.id;
    let why = |first, last| OrderRevocation {
        reason: "印刷错误".into(),
        first_seq: Some(first),
        last_seq: Some(last),
    };

    assert_eq!(
        code(revoke_order(conn, now(), &w.elsewhere, id, &why(1, 10))),
        "not_issuing_department"
    );
    assert_eq!(
        code(revoke_order(conn, now(), &w.user, id, &why(1, 10))),
        "not_issuing_department"
    );
    let blank = OrderRevocation {
        reason: " ".into(),
        ..why(1, 10)
    };
    assert_eq!(
        code(revoke_order(conn, now(), &w.competent, id, &blank)),
        "invalid reason"
    );

    activate_order(conn, now(), &w.user, id, &range(w.lot, 1, 5)).unwrap();
    let first = revoke_order(conn, now(), &w.competent, id, &why(1, 10)).unwrap();
    assert_eq!((first.revoked, first.already_revoked), (10, 0));
    let again = revoke_order(conn, now(), &w.competent, id, &why(5, 20)).unwrap();
    assert_eq!((again.revoked, again.already_revoked), (10, 6));
    let page = order_stamps(conn, &w.competent, id, Some(1), Some(20)).unwrap();
    assert!(page.items.iter().all(|s| s.state == "revoked"));
    let serial = page.items[0].serial.clone();
    let one = revoke_stamp(
        conn,
        now(),
        &w.competent,
        &serial,
        &StampRevocation {
            reason: "again".into(),
        },
    )
    .unwrap();
    assert_eq!((one.revoked, one.already_revoked), (0, 1));

    // Activation over a revoked stamp refuses wholly, naming it.
    let refused = code(activate_order(
        conn,
        now(),
        &w.user,
        id,
        &range(w.lot, 15, 30),
    ));
    assert!(
        refused.starts_with("stamp_revoked") && refused.contains(&page.items[14].serial),
        "{refused}"
    );
    let summary = order_summary(conn, &w.competent, id).unwrap();
    assert_eq!((summary.activated, summary.revoked), (5, 20));

    let whole = revoke_order(
        conn,
        now(),
        &w.competent,
        id,
        &OrderRevocation {
            reason: "召回".into(),
            first_seq: None,
            last_seq: None,
        },
    )
    .unwrap();
    assert_eq!(
        (
            whole.first_seq,
            whole.last_seq,
            whole.revoked,
            whole.already_revoked
        ),
        (1, 100, 80, 20)
    );
}

#[test]
fn orders_are_listed_within_the_readers_scope() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    let w = world(conn);
    let all = OrderFilter::default();
    assert_eq!(list_orders(conn, &w.competent, &all).unwrap().total, 1);
    assert_eq!(
        list_orders(conn, &w.user, &all).unwrap().items[0].id,
        w.order.id
    );
    assert_eq!(list_orders(conn, &w.other_user, &all).unwrap().total, 0);
    assert_eq!(list_orders(conn, &w.elsewhere, &all).unwrap().total, 0);
    let bad = OrderFilter {
        per_page: Some(0),
        ..all
    };
    assert_eq!(code(list_orders(conn, &w.user, &bad)), "invalid per_page");
    assert!(matches!(
        order_summary(conn, &w.elsewhere, w.order.id),
        Err(RegistryError::Denied { .. })
    ));
}

#[test]
fn an_enterprise_listed_or_suspended_after_issuance_cannot_activate() {
    use crate::enterprises::{Decision, decide};
    use crate::testing::blacklist_enterprise;
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    let w = world(conn);
    let id = w.order.id;

    // The batches it may bind to: its own of the order's product, newest first.
    let choices = activation_batches(conn, &w.user, id).unwrap();
    assert_eq!(
        choices.iter().map(|b| b.id).collect::<Vec<_>>(),
        [w.lot],
        "not the cheese lot, not another enterprise's"
    );
    assert!(matches!(
        activation_batches(conn, &w.other_user, id),
        Err(RegistryError::NotFound { .. })
    ));
    let names = order_names(conn, std::slice::from_ref(&w.order)).unwrap();
    assert_eq!(names.enterprises[&w.ent], "郑州食品1");
    assert!(names.products.contains_key(&w.milk));

    decide(
        conn,
        now(),
        &w.competent,
        w.ent,
        Decision::Suspend,
        Some("抽检不合格"),
    )
    .unwrap();
    let refused = code(activate_order(
        conn,
        now(),
        &w.user,
        id,
        &range(w.lot, 1, 5),
    ));
    assert!(refused.starts_with("enterprise_suspended"), "{refused}");
    decide(conn, now(), &w.competent, w.ent, Decision::Reinstate, None).unwrap();
    activate_order(conn, now(), &w.user, id, &range(w.lot, 1, 5)).unwrap();

    blacklist_enterprise(conn, &w.competent, w.ent);
    let refused = code(activate_order(
        conn,
        now(),
        &w.user,
        id,
        &range(w.lot, 6, 10),
    ));
    assert!(refused.starts_with("enterprise_blacklisted"), "{refused}");
    let serial = order_stamps(conn, &w.user, id, Some(1), Some(10))
        .unwrap()
        .items[8]
        .serial
        .clone();
    let refused = code(activate_stamp(
        conn,
        now(),
        &w.user,
        &serial,
        &StampActivation { batch_id: w.lot },
    ));
    assert!(refused.starts_with("enterprise_blacklisted"), "{refused}");
    let summary = order_summary(conn, &w.user, id).unwrap();
    assert_eq!(summary.activated, 5, "nothing activated after the listing");
}

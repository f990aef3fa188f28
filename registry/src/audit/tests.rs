//! The audit chain on the backend the test environment selects.

use diesel::prelude::*;
use serde_json::json;

use super::*;
use crate::schema::{audit_head, audit_log};
use crate::secret::SecretKey;
use crate::testing::TestDb;
use crate::testing::now;

fn fill(test: &TestDb, key: &AuditKey, n: usize) {
    for i in 0..n {
        test.db()
            .transaction(|conn| {
                append(
                    conn,
                    key,
                    &AuditEvent {
                        at: now(),
                        actor: "user:root",
                        action: "user.create",
                        target: &format!("user:{i}"),
                        request_id: "req",
                        detail: json!({ "username": format!("u{i}") }),
                    },
                )
            })
            .unwrap();
    }
}

fn verdict(test: &TestDb, key: &AuditKey) -> Result<u64, ChainBreak> {
    verify_chain(&mut test.raw(), key).unwrap()
}

#[test]
fn an_untouched_chain_verifies() {
    let test = TestDb::new();
    let key = AuditKey::from_secret(&SecretKey::generate());
    assert_eq!(verdict(&test, &key), Ok(0));
    fill(&test, &key, 5);
    assert_eq!(verdict(&test, &key), Ok(5));
    let other = AuditKey::from_secret(&SecretKey::generate());
    assert_eq!(verdict(&test, &other), Err(ChainBreak::Edited { seq: 1 }));
}

#[test]
fn edits_inserts_and_deletes_are_named() {
    let key = AuditKey::from_secret(&SecretKey::generate());

    let test = TestDb::new();
    fill(&test, &key, 5);
    diesel::update(audit_log::table.find(3))
        .set(audit_log::actor.eq("user:mallory"))
        .execute(&mut test.raw())
        .unwrap();
    assert_eq!(verdict(&test, &key), Err(ChainBreak::Edited { seq: 3 }));

    let test = TestDb::new();
    fill(&test, &key, 5);
    diesel::update(audit_log::table.find(2))
        .set(audit_log::detail.eq("{}"))
        .execute(&mut test.raw())
        .unwrap();
    assert_eq!(
        verdict(&test, &key),
        Err(ChainBreak::DetailAltered { seq: 2 })
    );

    let test = TestDb::new();
    fill(&test, &key, 5);
    diesel::delete(audit_log::table.find(4))
        .execute(&mut test.raw())
        .unwrap();
    assert_eq!(
        verdict(&test, &key),
        Err(ChainBreak::Deleted { from: 4, to: 4 })
    );

    let test = TestDb::new();
    fill(&test, &key, 5);
    diesel::delete(audit_log::table.filter(audit_log::seq.ge(4)))
        .execute(&mut test.raw())
        .unwrap();
    assert_eq!(
        verdict(&test, &key),
        Err(ChainBreak::TailDeleted { from: 4, head: 5 })
    );

    let test = TestDb::new();
    fill(&test, &key, 3);
    // A forged row at the end, with the head moved to it: its MAC cannot be made without the key.
    let mut conn = test.raw();
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::seq.eq(4),
            audit_log::at.eq(now()),
            audit_log::actor.eq("user:mallory"),
            audit_log::action.eq("user.create"),
            audit_log::target.eq("user:99"),
            audit_log::request_id.eq("x"),
            audit_log::detail.eq("{}"),
            audit_log::digest.eq(crate::secret::sha256_hex(b"{}")),
            audit_log::prev_hash.eq("0"),
            audit_log::hash.eq("0"),
        ))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(verdict(&test, &key), Err(ChainBreak::Edited { seq: 4 }));
    diesel::update(audit_head::table)
        .set(audit_head::seq.eq(4))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(verdict(&test, &key), Err(ChainBreak::Edited { seq: 4 }));
}

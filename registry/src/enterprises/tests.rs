//! Registration, review, changes and filing rules on the backend the test environment selects.

use super::*;
use crate::RegistryError;
use crate::departments::Category;
use crate::error::Code;
use crate::identity::{Actor, AuthMethod};
use crate::testing::TestDb;
use crate::testing::{now, officer};

fn new_enterprise(code: &str, username: &str) -> NewEnterprise {
    NewEnterprise {
        credit_code: code.into(),
        name: "北京测试".into(),
        name_en: "Beijing Test".into(),
        legal_representative: "李四".into(),
        phone: "010-12345678".into(),
        email: "a@example.cn".into(),
        region_code: "110105".into(),
        address: "北京市朝阳区".into(),
        latitude: Some(39.9),
        longitude: Some(116.4),
        company_prefix: Some("6901234".into()),
        categories: vec![Category::Drugs],
        username: username.into(),
        password: "a long enough password".into(),
    }
}

#[test]
fn review_changes_and_filing_rules() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    let (ent, user) = register(
        conn,
        now(),
        &new_enterprise("91110000600037341L", "bj-test"),
    )
    .unwrap();
    let me = Actor::for_user(&user, AuthMethod::Session);
    assert_eq!(ent.status, Status::Pending);
    assert_eq!(ent.credit_tier, CreditTier::B);
    assert!(matches!(
        require_active(conn, ent.id),
        Err(RegistryError::Conflict {
            code: Code::EnterpriseNotActive,
            ..
        })
    ));

    let beijing = officer(conn, "bj-drugs", "110000", Category::Drugs, AuthMethod::Cli);
    let food = officer(conn, "bj-food", "110000", Category::Food, AuthMethod::Cli);
    let henan = officer(conn, "ha-drugs", "410000", Category::Drugs, AuthMethod::Cli);
    for stranger in [&food, &henan] {
        assert!(matches!(
            decide(conn, now(), stranger, ent.id, Decision::Approve, None),
            Err(RegistryError::Denied {
                code: Code::OutsideJurisdiction,
                ..
            })
        ));
    }
    decide(conn, now(), &beijing, ent.id, Decision::Approve, None).unwrap();
    assert_eq!(require_active(conn, ent.id).unwrap().status, Status::Active);

    // A key-data change waits for review; a rejected one changes nothing.
    let update = EnterpriseUpdate {
        name: Some("北京新名".into()),
        ..Default::default()
    };
    let outcome = update_own(conn, now(), &me, ent.id, &update).unwrap();
    let change = outcome.proposed_change.unwrap();
    assert_eq!(outcome.enterprise.name, "北京测试");
    for blank in [None, Some(""), Some("  ")] {
        assert!(matches!(
            decide_change(conn, now(), &beijing, ent.id, change.id, false, blank),
            Err(RegistryError::Invalid {
                code: Code::ReasonRequired,
                ..
            })
        ));
    }
    decide_change(
        conn,
        now(),
        &beijing,
        ent.id,
        change.id,
        false,
        Some("no proof"),
    )
    .unwrap();
    assert_eq!(load_enterprise(conn, ent.id).unwrap().name, "北京测试");
    assert!(matches!(
        decide_change(conn, now(), &beijing, ent.id, change.id, true, None),
        Err(RegistryError::Conflict {
            code: Code::ChangeDecided,
            ..
        })
    ));
    let change = update_own(conn, now(), &me, ent.id, &update)
        .unwrap()
        .proposed_change
        .unwrap();
    decide_change(conn, now(), &beijing, ent.id, change.id, true, None).unwrap();
    assert_eq!(load_enterprise(conn, ent.id).unwrap().name, "北京新名");
    let bad = EnterpriseUpdate {
        categories: Some(vec![]),
        ..Default::default()
    };
    assert!(matches!(
        update_own(conn, now(), &me, ent.id, &bad),
        Err(RegistryError::Invalid { field, .. }) if field == "categories"
    ));

    // Revoked is final.
    decide(
        conn,
        now(),
        &beijing,
        ent.id,
        Decision::Revoke,
        Some("fraud"),
    )
    .unwrap();
    assert!(matches!(
        decide(conn, now(), &beijing, ent.id, Decision::Reinstate, None),
        Err(RegistryError::Conflict {
            code: Code::InvalidTransition,
            ..
        })
    ));
    assert!(matches!(
        update_own(conn, now(), &me, ent.id, &update),
        Err(RegistryError::Conflict {
            code: Code::EnterpriseRevoked,
            ..
        })
    ));
    let actions: Vec<String> = history(conn, ent.id)
        .unwrap()
        .into_iter()
        .map(|h| h.action)
        .collect();
    assert_eq!(
        actions,
        [
            "enterprise.register",
            "enterprise.approve",
            "enterprise.change_propose",
            "enterprise.change_reject",
            "enterprise.change_propose",
            "enterprise.change_approve",
            "enterprise.revoke",
        ]
    );
    // The enterprise was told of each decision, once, in the order made.
    let told: Vec<(String, String, serde_json::Value)> = told_to(conn, ent.id);
    assert_eq!(
        told.iter().map(|(t, _, _)| t.as_str()).collect::<Vec<_>>(),
        [
            "enterprise.approved",
            "enterprise.change_rejected",
            "enterprise.change_approved",
            "enterprise.revoked",
        ]
    );
    let sources: std::collections::BTreeSet<&str> =
        told.iter().map(|(_, s, _)| s.as_str()).collect();
    assert_eq!(sources.len(), 4, "one source per decision");
    assert_eq!(told[1].2["reason"], "no proof");
    assert_eq!(told[1].2["change_kind"], "update");
    assert_eq!(told[3].2["reason"], "fraud");
    assert_eq!(told[3].2["department"], "bj-drugs");
}

/// The notices enqueued for enterprise `id`'s users: (topic, source, params), in order.
fn told_to(conn: &mut crate::db::DbConn, id: i64) -> Vec<(String, String, serde_json::Value)> {
    let enterprise = [crate::notices::Audience::Enterprise { id }];
    crate::testing::notices_queued(conn)
        .into_iter()
        .filter(|n| n.audience == enterprise)
        .map(|n| (n.topic, n.source, n.params))
        .collect()
}

#[test]
fn suspending_twice_tells_the_enterprise_twice() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    let (ent, _) = register(
        conn,
        now(),
        &new_enterprise("91110000600037341L", "bj-test"),
    )
    .unwrap();
    let beijing = officer(conn, "bj-drugs", "110000", Category::Drugs, AuthMethod::Cli);
    let reason = Some("抽检不合格");
    decide(conn, now(), &beijing, ent.id, Decision::Approve, None).unwrap();
    for _ in 0..2 {
        decide(conn, now(), &beijing, ent.id, Decision::Suspend, reason).unwrap();
        decide(conn, now(), &beijing, ent.id, Decision::Reinstate, None).unwrap();
    }
    let topics: Vec<String> = told_to(conn, ent.id).into_iter().map(|t| t.0).collect();
    assert_eq!(
        topics,
        [
            "enterprise.approved",
            "enterprise.suspended",
            "enterprise.reinstated",
            "enterprise.suspended",
            "enterprise.reinstated",
        ]
    );
}

#[test]
fn credit_codes_and_company_prefixes_are_unique() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    register(conn, now(), &new_enterprise("91110000600037341L", "first")).unwrap();
    let again = register(conn, now(), &new_enterprise("91110000600037341L", "second"));
    assert!(matches!(
        again,
        Err(RegistryError::Conflict {
            code: Code::CreditCodeTaken,
            ..
        })
    ));
    let mut other = new_enterprise("91110000600037341L", "second");
    other.credit_code = "91110000600037341X".into();
    assert!(matches!(
        register(conn, now(), &other),
        Err(RegistryError::Invalid { field, .. }) if field == "credit_code"
    ));
    let org = format!(
        "12345678{}",
        crate::ids::uscc::organisation_code_check_char("12345678").unwrap()
    );
    let body = format!("91110105{org}");
    other.credit_code = format!(
        "{body}{}",
        crate::ids::uscc::uscc_check_char(&body).unwrap()
    );
    assert!(matches!(
        register(conn, now(), &other),
        Err(RegistryError::Conflict {
            code: Code::CompanyPrefixTaken,
            ..
        })
    ));
    other.company_prefix = None;
    assert!(register(conn, now(), &other).is_ok());
}

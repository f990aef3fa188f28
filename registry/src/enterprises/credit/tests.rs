//! Credit tiers from the data, on the backend the test environment selects: each rule with its
//! reason, the override with its expiry, the blacklist's D.

use chrono::Duration;
use diesel::prelude::*;

use super::*;
use crate::departments::Category;
use crate::enterprises::{Decision, NewEnterprise, decide, register, set_credit_tier};
use crate::identity::AuthMethod;
use crate::testing::{TestDb, blacklist_enterprise, now, officer};

fn enterprise(conn: &mut DbConn, n: u32, approver: &crate::identity::Actor) -> i64 {
    let codes = ["91110000600037341L", "91350100M000100Y43"];
    let (ent, _) = register(
        conn,
        now(),
        &NewEnterprise {
            credit_code: codes[n as usize].into(),
            name: format!("郑州食品{n}"),
            name_en: format!("Zhengzhou Food {n}"),
            legal_representative: "李四".into(),
            phone: "0371-12345678".into(),
            email: "a@example.cn".into(),
            region_code: "410102".into(),
            address: "郑州市".into(),
            latitude: None,
            longitude: None,
            company_prefix: None,
            categories: vec![Category::Food],
            username: format!("zz-food-{n}"),
            password: "a long enough password".into(),
        },
    )
    .unwrap();
    decide(conn, now(), approver, ent.id, Decision::Approve, None).unwrap();
    ent.id
}

fn codes(a: &Assessment) -> Vec<(&str, i32)> {
    a.reasons
        .iter()
        .map(|r| (r.code.as_str(), r.points))
        .collect()
}

fn alert(conn: &mut DbConn, enterprise: i64, severity: &str, at: chrono::NaiveDateTime) {
    use crate::schema::alerts as a;
    diesel::insert_into(a::table)
        .values((
            a::kind.eq("stamp.scan_limit"),
            a::severity.eq(severity),
            a::enterprise_id.eq(enterprise),
            a::region_code.eq("410102"),
            a::category.eq("food"),
            a::company_prefix.eq(""),
            a::subject.eq("s"),
            a::detail.eq("d"),
            a::status.eq("open"),
            a::raised_at.eq(at),
        ))
        .execute(conn)
        .unwrap();
}

fn licence(conn: &mut DbConn, enterprise: i64, valid_to: chrono::NaiveDate) {
    use crate::schema::licences as l;
    diesel::insert_into(l::table)
        .values((
            l::enterprise_id.eq(enterprise),
            l::licence_type.eq("food_production"),
            l::number.eq(format!("SC{enterprise}{valid_to}")),
            l::valid_from.eq(valid_to - Duration::days(1000)),
            l::valid_to.eq(valid_to),
            l::authority.eq("郑州市市场监督管理局"),
            l::created_at.eq(now()),
        ))
        .execute(conn)
        .unwrap();
}

#[test]
fn tiers_follow_the_data_with_their_reasons() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    let boss = officer(
        conn,
        "zz-food",
        "410100",
        Category::Food,
        AuthMethod::Session,
    );
    let clean = enterprise(conn, 0, &boss);
    let troubled = enterprise(conn, 1, &boss);

    // Nothing filed yet: no licence, no product: 70, tier B.
    let done = recompute(conn, now(), None).unwrap();
    assert_eq!(done.assessed, 2);
    let a = assessment(conn, now(), clean).unwrap();
    assert_eq!(
        codes(&a),
        vec![("licence_missing", -20), ("no_products", -10)]
    );
    assert_eq!(
        (a.score, a.computed_tier, a.tier),
        (Some(70), Some(CreditTier::B), CreditTier::B)
    );

    // A valid licence and no product: 90, A. An expired licence and alerts: D.
    licence(conn, clean, now().date() + Duration::days(100));
    licence(conn, troubled, now().date() - Duration::days(1));
    alert(conn, troubled, "critical", now() - Duration::days(10));
    alert(conn, troubled, "critical", now() - Duration::days(20));
    alert(conn, troubled, "warning", now() - Duration::days(30));
    alert(conn, troubled, "critical", now() - Duration::days(400));
    let done = recompute(conn, now(), None).unwrap();
    assert_eq!((done.changed, done.tiers), (2, [1, 0, 0, 1]));
    assert_eq!(assessment(conn, now(), clean).unwrap().tier, CreditTier::A);
    let t = assessment(conn, now(), troubled).unwrap();
    assert_eq!(
        codes(&t),
        vec![
            ("licence_expired", -30),
            ("no_products", -10),
            ("alerts_critical", -30),
            ("alerts_warning", -5)
        ],
        "the alert older than a year does not count"
    );
    assert_eq!((t.score, t.tier), (Some(25), CreditTier::D));
    assert_eq!(t.reasons[2].count, 2);

    // An officer's override holds until it expires; then the data counts again.
    let until = now().date() + Duration::days(30);
    assert!(matches!(
        set_credit_tier(
            conn,
            now(),
            &boss,
            troubled,
            CreditTier::B,
            "整改到位",
            Some(now().date())
        ),
        Err(RegistryError::Invalid {
            code: Code::InvalidExpiry,
            ..
        })
    ));
    set_credit_tier(
        conn,
        now(),
        &boss,
        troubled,
        CreditTier::B,
        "整改到位",
        Some(until),
    )
    .unwrap();
    recompute(conn, now(), None).unwrap();
    let t = assessment(conn, now(), troubled).unwrap();
    assert_eq!(
        (t.tier, t.computed_tier),
        (CreditTier::B, Some(CreditTier::D))
    );
    assert_eq!(
        t.override_.as_ref().map(|o| o.reason.as_str()),
        Some("整改到位")
    );
    let later = now() + Duration::days(31);
    recompute(conn, later, None).unwrap();
    let t = assessment(conn, later, troubled).unwrap();
    assert_eq!((t.tier, t.override_), (CreditTier::D, None));

    // The blacklist's D wins over the data.
    blacklist_enterprise(conn, &boss, clean);
    let done = recompute(conn, later, Some(&[clean])).unwrap();
    assert_eq!(done.assessed, 1);
    let a = assessment(conn, later, clean).unwrap();
    assert_eq!(
        (a.tier, a.computed_tier, a.listed),
        (CreditTier::D, Some(CreditTier::A), true)
    );
}

#[test]
fn published_spot_check_results_count() {
    let facts = Facts {
        licences: 1,
        latest_valid_to: Some(now().date() + Duration::days(10)),
        products: 1,
        latest_batch: Some(now() - Duration::days(1)),
        failed: 1,
        passed: 3,
        ..Facts::default()
    };
    let (points, reasons) = score(&facts, now());
    assert_eq!(points, 85);
    assert_eq!(
        reasons
            .iter()
            .map(|r| (r.code.as_str(), r.points))
            .collect::<Vec<_>>(),
        vec![("spot_check_failed", -25), ("spot_check_passed", 10)]
    );
    assert_eq!(tier_of(points), CreditTier::B);
    let stale = Facts {
        latest_batch: Some(now() - Duration::days(181)),
        ..facts
    };
    assert_eq!(score(&stale, now()).0, 75);
}

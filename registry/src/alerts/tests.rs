//! Alerts on the backend the test environment selects.

use super::*;
use crate::db::DbConn;
use crate::error::Code;
use crate::identity::{Actor, AuthMethod, Role};
use crate::outbox;
use crate::schema::outbox as outbox_table;
use crate::testing::TestDb;
use crate::testing::now;

fn new_alert(key: Option<&str>) -> NewAlert<'_> {
    NewAlert {
        kind: "stamp.unknown_serial",
        severity: Severity::Warning,
        enterprise_id: None,
        region_code: "410102",
        category: Some(Category::Food),
        company_prefix: "6901234",
        subject: "stamp:K7M3P9X2W4R8T6",
        detail: serde_json::json!({ "serial": "K7M3P9X2W4R8T6" }),
        dedupe_key: key,
    }
}

#[test]
fn raising_stores_the_alert_and_enqueues_one_notice() {
    let test = TestDb::new();
    let db = test.db();
    let alert = db
        .transaction(|c| raise(c, now(), &new_alert(Some("k1"))))
        .unwrap()
        .unwrap();
    assert_eq!(alert.status, AlertStatus::Open);
    assert_eq!(alert.category, "food");
    assert_eq!(alert.detail["serial"], "K7M3P9X2W4R8T6");
    // The same key raises nothing more.
    assert!(
        db.transaction(|c| raise(c, now(), &new_alert(Some("k1"))))
            .unwrap()
            .is_none()
    );
    let job = outbox::claim(db, &[notices::NOTICE_JOB], chrono::Duration::minutes(1))
        .unwrap()
        .expect("a notice is queued");
    let notice: Notice = serde_json::from_str(&job.payload).unwrap();
    assert_eq!(notice.topic, "alert.stamp.unknown_serial");
    assert_eq!(notice.source, format!("alert:{}", alert.id));
    assert_eq!(
        notice.audience,
        vec![Audience::Competent {
            region_code: "410102".into(),
            category: Some(Category::Food)
        }]
    );
    let mut conn = db.conn().unwrap();
    let queued: i64 = outbox_table::table.count().get_result(&mut *conn).unwrap();
    assert_eq!(queued, 1);
}

#[test]
fn a_rolled_back_alert_leaves_nothing() {
    let test = TestDb::new();
    let db = test.db();
    let failed: Result<()> = db.transaction(|c| {
        raise(c, now(), &new_alert(None))?;
        Err(crate::RegistryError::conflict(Code::Conflict, "roll back"))
    });
    assert!(failed.is_err());
    let mut conn = db.conn().unwrap();
    let alerts_left: i64 = alerts::table.count().get_result(&mut *conn).unwrap();
    let jobs_left: i64 = outbox_table::table.count().get_result(&mut *conn).unwrap();
    assert_eq!((alerts_left, jobs_left), (0, 0));
}

fn actor(conn: &mut DbConn, name: &str, role: Role, dept: Option<(&str, Category)>) -> Actor {
    let department_id = dept.map(|(region, category)| {
        crate::departments::create_department(
            conn,
            now(),
            &crate::departments::NewDepartment {
                code: name.into(),
                name: name.into(),
                name_en: String::new(),
                region_code: region.into(),
                categories: vec![category],
            },
        )
        .unwrap()
        .id
    });
    let user = crate::identity::create_user(
        conn,
        now(),
        &crate::identity::NewUser {
            username: name.into(),
            display_name: name.into(),
            email: None,
            password: None,
            role,
            department_id,
            enterprise_id: (role == Role::Enterprise).then_some(5),
            locale: None,
            category: None,
        },
    )
    .unwrap();
    Actor::for_user(&user, AuthMethod::Session)
}

fn raised(
    conn: &mut DbConn,
    region: &'static str,
    category: Option<Category>,
    enterprise: Option<i64>,
) -> i64 {
    let new = NewAlert {
        region_code: region,
        category,
        enterprise_id: enterprise,
        severity: if category.is_none() {
            Severity::Critical
        } else {
            Severity::Warning
        },
        ..new_alert(None)
    };
    raise(conn, now(), &new).unwrap().unwrap().id
}

#[test]
fn each_role_sees_its_alerts_and_the_competent_officer_handles_them() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    diesel::insert_into(crate::schema::enterprises::table)
        .values((
            crate::schema::enterprises::id.eq(5_i64),
            crate::schema::enterprises::credit_code.eq("91110000600037341L"),
            crate::schema::enterprises::name.eq("e"),
            crate::schema::enterprises::name_en.eq("e"),
            crate::schema::enterprises::legal_representative.eq("e"),
            crate::schema::enterprises::phone.eq("1"),
            crate::schema::enterprises::email.eq("e@example.cn"),
            crate::schema::enterprises::address.eq("a"),
            crate::schema::enterprises::credit_tier.eq("B"),
            crate::schema::enterprises::region_code.eq("410102"),
            crate::schema::enterprises::status.eq("active"),
            crate::schema::enterprises::created_at.eq(now()),
            crate::schema::enterprises::updated_at.eq(now()),
        ))
        .execute(conn)
        .unwrap();
    let zz_food = actor(
        conn,
        "zz-food",
        Role::Officer,
        Some(("410100", Category::Food)),
    );
    let zz_drugs = actor(
        conn,
        "zz-drugs",
        Role::Officer,
        Some(("410100", Category::Drugs)),
    );
    let ly_food = actor(
        conn,
        "ly-food",
        Role::Officer,
        Some(("410300", Category::Food)),
    );
    let admin = actor(conn, "root", Role::Admin, None);
    let ent = actor(conn, "ent", Role::Enterprise, None);
    let inspector = actor(conn, "insp", Role::Inspector, None);

    let food = raised(conn, "410102", Some(Category::Food), Some(5));
    let any = raised(conn, "410105", None, None);
    let luoyang = raised(conn, "410302", Some(Category::Food), None);
    let nowhere = raised(conn, "", None, None);

    let seen = |conn: &mut DbConn, who: &Actor, filter: &AlertFilter| -> Vec<i64> {
        list_alerts(conn, who, filter)
            .unwrap()
            .iter()
            .map(|a| a.id)
            .collect()
    };
    let all = AlertFilter::default();
    assert_eq!(seen(conn, &zz_food, &all), vec![any, food]);
    assert_eq!(seen(conn, &zz_drugs, &all), vec![any]);
    assert_eq!(seen(conn, &ly_food, &all), vec![luoyang]);
    assert_eq!(seen(conn, &admin, &all), vec![nowhere, luoyang, any, food]);
    assert_eq!(seen(conn, &ent, &all), vec![food]);
    assert!(seen(conn, &inspector, &all).is_empty());
    let critical = AlertFilter {
        severity: Some(Severity::Critical),
        ..Default::default()
    };
    assert_eq!(seen(conn, &zz_food, &critical), vec![any]);
    let by_kind = AlertFilter {
        kind: Some("stamp.wrong_code".into()),
        ..Default::default()
    };
    assert!(seen(conn, &admin, &by_kind).is_empty());

    assert!(matches!(
        find_visible_alert(conn, &zz_drugs, food),
        Err(crate::RegistryError::Denied {
            code: Code::OutsideJurisdiction,
            ..
        })
    ));
    assert!(matches!(
        find_visible_alert(conn, &ent, any),
        Err(crate::RegistryError::NotFound { .. })
    ));
    assert_eq!(find_visible_alert(conn, &ent, food).unwrap().id, food);

    let note = |text: &str| HandlingNote { note: text.into() };
    assert!(matches!(
        acknowledge(conn, now(), &zz_drugs, food, &note("mine?")),
        Err(crate::RegistryError::Denied { .. })
    ));
    assert!(matches!(
        acknowledge(conn, now(), &admin, food, &note("admin")),
        Err(crate::RegistryError::Denied { .. })
    ));
    assert!(matches!(
        acknowledge(conn, now(), &zz_food, food, &note(" ")),
        Err(crate::RegistryError::Invalid { field, .. }) if field == "note"
    ));
    let taken = acknowledge(conn, now(), &zz_food, food, &note("inspecting the shop")).unwrap();
    assert_eq!(taken.status, AlertStatus::Acknowledged);
    assert_eq!(taken.handled_by.as_deref(), Some("user:zz-food"));
    assert!(matches!(
        acknowledge(conn, now(), &zz_food, food, &note("again")),
        Err(crate::RegistryError::Conflict {
            code: Code::AlertNotOpen,
            ..
        })
    ));
    let closed = close(conn, now(), &zz_food, food, &note("fakes seized")).unwrap();
    assert_eq!(
        (closed.status, closed.note.as_deref()),
        (AlertStatus::Closed, Some("fakes seized"))
    );
    assert!(matches!(
        close(conn, now(), &zz_food, food, &note("again")),
        Err(crate::RegistryError::Conflict {
            code: Code::AlertClosed,
            ..
        })
    ));
    // An open alert may be closed directly.
    assert_eq!(
        close(conn, now(), &zz_drugs, any, &note("no fault"))
            .unwrap()
            .status,
        AlertStatus::Closed
    );
    let open = AlertFilter {
        status: Some(AlertStatus::Open),
        ..Default::default()
    };
    assert_eq!(seen(conn, &admin, &open), vec![nowhere, luoyang]);
    assert_eq!(count_alerts(conn, &admin, &open).unwrap(), 2);
    assert_eq!(count_alerts(conn, &zz_food, &all).unwrap(), 2);
    assert_eq!(count_alerts(conn, &inspector, &all).unwrap(), 0);

    // Sorted by urgency and progress (ranks, not names), ties newest first.
    let sorted = |sort: &str| AlertFilter {
        sort: Some(sort.into()),
        ..Default::default()
    };
    assert_eq!(
        seen(conn, &admin, &sorted("-severity")),
        vec![nowhere, any, luoyang, food]
    );
    assert_eq!(
        seen(conn, &admin, &sorted("status")),
        vec![nowhere, luoyang, any, food]
    );
    assert_eq!(
        seen(conn, &admin, &sorted("raised_at")),
        vec![food, any, luoyang, nowhere]
    );
    assert!(matches!(
        list_alerts(conn, &admin, &sorted("subject")),
        Err(crate::RegistryError::Invalid { field, .. }) if field == "sort"
    ));
}

//! Alerts on the backend the test environment selects.

use super::*;
use crate::outbox;
use crate::schema::outbox as outbox_table;
use crate::testing::TestDb;

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
        .transaction(|c| raise(c, &new_alert(Some("k1"))))
        .unwrap()
        .unwrap();
    assert_eq!(alert.status, AlertStatus::Open);
    assert_eq!(alert.category, "food");
    assert_eq!(alert.detail["serial"], "K7M3P9X2W4R8T6");
    // The same key raises nothing more.
    assert!(
        db.transaction(|c| raise(c, &new_alert(Some("k1"))))
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
        raise(c, &new_alert(None))?;
        Err(crate::RegistryError::conflict("boom", "roll back"))
    });
    assert!(failed.is_err());
    let mut conn = db.conn().unwrap();
    let alerts_left: i64 = alerts::table.count().get_result(&mut *conn).unwrap();
    let jobs_left: i64 = outbox_table::table.count().get_result(&mut *conn).unwrap();
    assert_eq!((alerts_left, jobs_left), (0, 0));
}

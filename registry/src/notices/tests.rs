//! Audiences and delivery on the backend the test environment selects.

use std::sync::Arc;

use chrono::Duration;
use diesel::prelude::*;

use super::*;
use crate::db::{Db, PoolOptions};
use crate::departments::{NewDepartment, create_department};
use crate::identity::{Locale, NewUser, Role, create_user, set_user_active};
use crate::schema::{notices, outbox as outbox_table};
use crate::testing::TestDb;
use crate::testing::now;

fn department(conn: &mut DbConn, code: &str, region: &str, cat: Category) -> i64 {
    create_department(
        conn,
        now(),
        &NewDepartment {
            code: code.into(),
            name: code.into(),
            name_en: String::new(),
            region_code: region.into(),
            categories: vec![cat],
        },
    )
    .unwrap()
    .id
}

struct Person<'a> {
    name: &'a str,
    role: Role,
    department_id: Option<i64>,
    enterprise_id: Option<i64>,
    email: bool,
    locale: Option<Locale>,
}

fn user(conn: &mut DbConn, p: &Person<'_>) -> i64 {
    create_user(
        conn,
        now(),
        &NewUser {
            username: format!("user-{}", p.name),
            display_name: p.name.into(),
            email: p.email.then(|| format!("{}@example.cn", p.name)),
            password: None,
            role: p.role,
            department_id: p.department_id,
            enterprise_id: p.enterprise_id,
            locale: p.locale,
            category: None,
        },
    )
    .unwrap()
    .id
}

fn officer(conn: &mut DbConn, name: &str, dept: i64, email: bool) -> i64 {
    user(
        conn,
        &Person {
            name,
            role: Role::Officer,
            department_id: Some(dept),
            enterprise_id: None,
            email,
            locale: None,
        },
    )
}

fn ids(found: &[Recipient]) -> Vec<i64> {
    found.iter().map(|r| r.user_id).collect()
}

fn notice(source: &str, audience: Vec<Audience>) -> Notice {
    Notice {
        topic: "test.topic".into(),
        audience,
        params: serde_json::json!({ "n": source }),
        source: source.into(),
    }
}

fn render(notice: &Notice, locale: Locale) -> Rendered {
    Rendered {
        subject: format!("{} [{locale}]", notice.topic),
        body: notice.params.to_string(),
    }
}

#[test]
fn audiences_resolve_to_active_users_once() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    let zz_food = department(conn, "ZZ-FOOD", "410100", Category::Food);
    let ha_food = department(conn, "HA-FOOD", "410000", Category::Food);
    let ha_drugs = department(conn, "HA-DRUGS", "410000", Category::Drugs);
    let ly_food = department(conn, "LY-FOOD", "410300", Category::Food);
    let a = officer(conn, "a", zz_food, true);
    let b = officer(conn, "b", ha_food, false);
    let c = officer(conn, "c", ha_drugs, true);
    let d = officer(conn, "d", ly_food, true);
    let gone = officer(conn, "gone", zz_food, true);
    set_user_active(conn, now(), gone, false).unwrap();
    let ministry = user(
        conn,
        &Person {
            name: "mofcom",
            role: Role::Ministry,
            department_id: None,
            enterprise_id: None,
            email: true,
            locale: Some(Locale::En),
        },
    );
    let ent_user = user(
        conn,
        &Person {
            name: "ent",
            role: Role::Enterprise,
            department_id: None,
            enterprise_id: Some(7),
            email: true,
            locale: Some(Locale::Vi),
        },
    );

    let food_in_zhengzhou = Audience::Competent {
        region_code: "410102".into(),
        category: Some(Category::Food),
    };
    assert_eq!(
        ids(&recipients(conn, std::slice::from_ref(&food_in_zhengzhou)).unwrap()),
        vec![a, b]
    );
    let anything_in_zhengzhou = Audience::Competent {
        region_code: "410102".into(),
        category: None,
    };
    assert_eq!(
        ids(&recipients(conn, &[anything_in_zhengzhou]).unwrap()),
        vec![a, b, c]
    );
    assert_eq!(
        ids(&recipients(conn, &[Audience::Department { id: zz_food }]).unwrap()),
        vec![a]
    );
    assert_eq!(
        ids(&recipients(conn, &[Audience::AllDepartments, food_in_zhengzhou]).unwrap()),
        vec![a, b, c, d],
        "each user once"
    );
    let found = recipients(
        conn,
        &[Audience::Ministries, Audience::Enterprise { id: 7 }],
    )
    .unwrap();
    assert_eq!(ids(&found), vec![ministry, ent_user]);
    assert_eq!(found[0].locale, Some(Locale::En));
    assert_eq!(found[1].email.as_deref(), Some("ent@example.cn"));
    assert!(
        recipients(conn, &[Audience::Enterprise { id: 8 }])
            .unwrap()
            .is_empty()
    );
}

#[test]
fn delivery_writes_each_inbox_row_and_email_once() {
    let test = TestDb::new();
    let mut conn = test.db().conn().unwrap();
    let conn = &mut *conn;
    let dept = department(conn, "ZZ-FOOD", "410100", Category::Food);
    let mailed = officer(conn, "mailed", dept, true);
    let unmailed = officer(conn, "unmailed", dept, false);
    let n = notice("alert:1", vec![Audience::Department { id: dept }]);

    let first = deliver(conn, now(), &n, Locale::ZhCn, true, &render).unwrap();
    assert_eq!(
        first,
        Delivery {
            recipients: 2,
            written: 2,
            emails: 1
        }
    );
    let again = deliver(conn, now(), &n, Locale::ZhCn, true, &render).unwrap();
    assert_eq!((again.written, again.emails), (0, 0), "delivered once");

    let inbox = list_inbox(conn, mailed, &InboxFilter::default()).unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].subject, "test.topic [zh-CN]");
    assert_eq!(inbox[0].source, "alert:1");
    let job = outbox_table::table
        .filter(outbox_table::kind.eq(EMAIL_JOB))
        .select(outbox_table::payload)
        .first::<String>(conn)
        .unwrap();
    let email: EmailJob = serde_json::from_str(&job).unwrap();
    assert_eq!(
        (email.notice_id, email.to.as_str()),
        (inbox[0].id, "mailed@example.cn")
    );

    // Mail off: the inbox only.
    let quiet = deliver(
        conn,
        now(),
        &notice("alert:2", vec![Audience::Department { id: dept }]),
        Locale::En,
        false,
        &render,
    )
    .unwrap();
    assert_eq!((quiet.written, quiet.emails), (2, 0));

    // Reading: own notices only, once.
    let theirs = list_inbox(conn, unmailed, &InboxFilter::default()).unwrap();
    assert!(matches!(
        mark_read(conn, now(), mailed, theirs[0].id),
        Err(crate::RegistryError::NotFound { .. })
    ));
    let read = mark_read(conn, now(), unmailed, theirs[0].id).unwrap();
    let first_read = read.read_at.unwrap();
    assert_eq!(
        mark_read(conn, now(), unmailed, theirs[0].id)
            .unwrap()
            .read_at,
        Some(first_read)
    );
    let unread = InboxFilter {
        unread: true,
        ..Default::default()
    };
    assert_eq!(list_inbox(conn, unmailed, &unread).unwrap().len(), 1);
    let page = InboxFilter {
        per_page: Some(1),
        page: Some(2),
        ..Default::default()
    };
    assert_eq!(
        list_inbox(conn, unmailed, &page).unwrap()[0].source,
        "alert:1",
        "newest first"
    );
    let everything = InboxFilter::default();
    assert_eq!(count_inbox(conn, unmailed, &everything).unwrap(), 2);
    assert_eq!(count_inbox(conn, unmailed, &unread).unwrap(), 1);
    assert_eq!(unread_count(conn, unmailed).unwrap(), 1);
    let newest = list_inbox(conn, unmailed, &everything).unwrap()[0].clone();
    assert_eq!(
        find_own_notice(conn, unmailed, newest.id).unwrap().subject,
        newest.subject
    );
    assert!(matches!(
        find_own_notice(conn, mailed, newest.id),
        Err(crate::RegistryError::NotFound { .. })
    ));
}

#[test]
fn racing_workers_deliver_every_notice_exactly_once() {
    let test = TestDb::new();
    let dept = {
        let mut conn = test.db().conn().unwrap();
        let dept = department(&mut conn, "ZZ-FOOD", "410100", Category::Food);
        for name in ["o1", "o2", "o3"] {
            officer(&mut conn, name, dept, name != "o3");
        }
        dept
    };
    for i in 0..20 {
        let n = notice(
            &format!("alert:{i}"),
            vec![Audience::Department { id: dept }],
        );
        test.db()
            .transaction(|c| enqueue(c, now(), &n, ""))
            .unwrap();
    }
    // Separate pools stand for separate replicas; a short lease makes each also take over jobs
    // whose lease ran out, so a notice can be delivered twice and must still land once.
    let url = Arc::new(test.url().clone());
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let url = Arc::clone(&url);
            let clock = test.clock().clone();
            std::thread::spawn(move || {
                let db = Db::open(
                    &url,
                    PoolOptions {
                        max_size: 2,
                        ..Default::default()
                    },
                )
                .unwrap()
                .with_clock(clock);
                while let Some(job) =
                    outbox::claim(&db, &[NOTICE_JOB], Duration::minutes(1)).unwrap()
                {
                    let n: Notice = serde_json::from_str(&job.payload).unwrap();
                    db.transaction(|c| deliver(c, now(), &n, Locale::ZhCn, true, &render))
                        .unwrap();
                    // Delivered again, as by a worker that took over after a crash.
                    db.transaction(|c| deliver(c, now(), &n, Locale::ZhCn, true, &render))
                        .unwrap();
                    outbox::complete(&db, job.id).unwrap();
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    let mut conn = test.raw();
    let rows: i64 = notices::table.count().get_result(&mut conn).unwrap();
    let emails: i64 = outbox_table::table
        .filter(outbox_table::kind.eq(EMAIL_JOB))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!((rows, emails), (60, 40));
}

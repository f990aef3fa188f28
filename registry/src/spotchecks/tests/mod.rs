//! Spot checks on the backend the test environment selects: the workflow from check items to a
//! published result, recusal, the previous cycle, reminders. The draw alone: `draw`.

mod draw;

use std::collections::BTreeMap;

use chrono::Duration;
use diesel::prelude::*;

use super::*;
use crate::db::DbConn;
use crate::departments::Category;
use crate::enterprises::CreditTier;
use crate::error::{Code, RegistryError, Result};
use crate::identity::{Actor, AuthMethod, NewUser, Role, create_user};
use crate::testing::{TestDb, notices_queued, now, officer};

fn seed(n: u8) -> Seed {
    [n; 32]
}

fn code_of<T: std::fmt::Debug>(result: Result<T>) -> Code {
    match result {
        Err(
            RegistryError::Denied { code, .. }
            | RegistryError::Conflict { code, .. }
            | RegistryError::Invalid { code, .. },
        ) => code,
        other => panic!("not refused: {other:?}"),
    }
}

/// `n` active food enterprises in 410102 with the given tiers, by id.
fn enterprises(conn: &mut DbConn, tiers: &[CreditTier]) -> Vec<i64> {
    use crate::schema::{enterprise_categories as ec, enterprises as e};
    tiers
        .iter()
        .enumerate()
        .map(|(i, tier)| {
            let id: i64 = diesel::insert_into(e::table)
                .values((
                    e::credit_code.eq(format!("9141010260003{i:04}X")),
                    e::name.eq(format!("郑州食品{i}")),
                    e::name_en.eq(format!("Zhengzhou Food {i}")),
                    e::legal_representative.eq("李四"),
                    e::phone.eq("0371-12345678"),
                    e::email.eq("a@example.cn"),
                    e::address.eq("郑州市"),
                    e::credit_tier.eq(tier.as_str()),
                    e::region_code.eq("410102"),
                    e::status.eq("active"),
                    e::created_at.eq(now()),
                    e::updated_at.eq(now()),
                ))
                .returning(e::id)
                .get_result(conn)
                .unwrap();
            diesel::insert_into(ec::table)
                .values((ec::enterprise_id.eq(id), ec::category.eq("food")))
                .execute(conn)
                .unwrap();
            id
        })
        .collect()
}

fn inspector(conn: &mut DbConn, boss: &Actor, name: &str) -> Actor {
    let user = create_user(
        conn,
        now(),
        &NewUser {
            username: format!("inspector-{name}"),
            display_name: name.into(),
            email: None,
            password: None,
            role: Role::Inspector,
            department_id: boss.department_id,
            enterprise_id: None,
            locale: None,
            category: None,
        },
    )
    .unwrap();
    enrol_inspector(
        conn,
        now(),
        boss,
        &NewInspector {
            user_id: user.id,
            region_code: "410102".into(),
        },
    )
    .unwrap();
    Actor::for_user(&user, AuthMethod::Session)
}

fn plan(items: &[&str]) -> NewPlan {
    NewPlan {
        title: "2026年第四季度食品双随机抽查".into(),
        categories: vec![Category::Food],
        regions: vec!["410100".into()],
        items: items.iter().map(|s| (*s).to_owned()).collect(),
        ratios: Some(Ratios {
            a: 10_000,
            b: 10_000,
            c: 10_000,
            d: 10_000,
        }),
        inspectors_per_task: None,
        window_start: now().date(),
        window_end: now().date() + Duration::days(30),
        publish_within_days: None,
    }
}

fn label_item() -> NewCheckItem {
    NewCheckItem {
        category: Category::Food,
        code: "FOOD-LABEL-01".into(),
        title: "预包装食品标签".into(),
        method: "现场检查标签与配料表".into(),
    }
}

#[test]
fn a_plan_is_drawn_checked_recorded_published_and_verifiable() {
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
    let ents = enterprises(conn, &[CreditTier::A, CreditTier::B, CreditTier::D]);
    add_item(conn, now(), &boss, &label_item()).unwrap();
    assert_eq!(
        code_of(add_item(conn, now(), &boss, &label_item())),
        Code::Conflict
    );
    let wang = inspector(conn, &boss, "wang");
    let li = inspector(conn, &boss, "li");
    let zhao = inspector(conn, &boss, "zhao");
    // Zhao declares a conflict with the first enterprise; an officer records Li's relation to it.
    record_conflict(
        conn,
        now(),
        &zhao,
        zhao.user_id,
        &NewConflict {
            enterprise_id: ents[0],
            note: "亲属在该企业任职".into(),
        },
    )
    .unwrap();
    assert_eq!(
        code_of(record_conflict(
            conn,
            now(),
            &wang,
            li.user_id,
            &NewConflict {
                enterprise_id: ents[0],
                note: "x".into()
            }
        )),
        Code::NotOwnObject
    );
    record_conflict(
        conn,
        now(),
        &boss,
        li.user_id,
        &NewConflict {
            enterprise_id: ents[1],
            note: "曾任该企业顾问".into(),
        },
    )
    .unwrap();

    assert_eq!(
        code_of(create_plan(conn, now(), &boss, &plan(&["NOPE"]))),
        Code::UnknownCheckItem
    );
    let draft = create_plan(conn, now(), &boss, &plan(&["FOOD-LABEL-01"])).unwrap();
    assert_eq!(draft.status, PlanStatus::Draft);
    assert_eq!(draft.publish_by, add_working_days(draft.window_end, 20));
    assert!(draw_record(conn, draft.id).is_err(), "a draft has no draw");

    let (locked, tasks) = lock_plan(conn, now(), &boss, draft.id, &seed(7)).unwrap();
    assert_eq!(locked.status, PlanStatus::Locked);
    assert_eq!(
        code_of(lock_plan(conn, now(), &boss, draft.id, &seed(8))),
        Code::PlanLocked
    );
    assert_eq!(tasks.len(), 3, "every enterprise at 100 %");
    let staffed: BTreeMap<i64, Vec<i64>> = tasks
        .iter()
        .map(|t| (t.enterprise_id, t.inspectors.clone()))
        .collect();
    let pair = |a: &Actor, b: &Actor| {
        let mut v = vec![a.user_id, b.user_id];
        v.sort_unstable();
        v
    };
    assert_eq!(
        staffed[&ents[0]],
        pair(&wang, &li),
        "Zhao declared a conflict"
    );
    assert_eq!(
        staffed[&ents[1]],
        pair(&wang, &zhao),
        "Li's relation was recorded"
    );

    // The published draw recomputes; a changed input or task does not.
    let record = draw_record(conn, locked.id).unwrap();
    assert_eq!(record.tasks, tasks);
    assert_eq!(Some(&record.pool_digest), locked.pool_digest.as_ref());
    assert_eq!(Some(&record.draw_digest), locked.draw_digest.as_ref());
    assert!(recompute(&record).verified);
    let mut forged = record.clone();
    forged.tasks[0].inspectors = vec![zhao.user_id, li.user_id];
    assert!(!recompute(&forged).draw_matches);
    let mut forged = record.clone();
    forged.inputs.enterprises.pop();
    assert!(!recompute(&forged).inputs_match);
    let mut forged = record;
    forged.seed = hex::encode(seed(8));
    assert!(!recompute(&forged).verified);

    // Notices: each inspector their tasks, the enterprises drawn.
    let queued = notices_queued(conn);
    let assigned = queued.iter().filter(|n| n.topic == ASSIGNED_TOPIC).count();
    assert_eq!(assigned, 3);
    assert!(queued.iter().any(|n| n.topic == DRAWN_TOPIC));

    // Results: only an assigned inspector, every item; publication by the department.
    let first = find_task_of(conn, &boss, ents[2]);
    let outsider = [&wang, &li, &zhao]
        .into_iter()
        .find(|a| !first.inspectors.contains(&a.user_id))
        .unwrap();
    let assigned_inspector = [&wang, &li, &zhao]
        .into_iter()
        .find(|a| first.inspectors.contains(&a.user_id))
        .unwrap();
    let result = NewResult {
        items: vec![ItemOutcome {
            code: "FOOD-LABEL-01".into(),
            outcome: Outcome::Fail,
            finding: "未标注生产日期".into(),
        }],
        findings: "标签不合格，责令改正".into(),
    };
    assert_eq!(
        code_of(record_result(conn, now(), outsider, first.id, &result)),
        Code::NotAssigned
    );
    assert_eq!(
        code_of(publish_result(conn, now(), &boss, first.id)),
        Code::ResultMissing
    );
    let empty = NewResult {
        items: vec![],
        findings: "x".into(),
    };
    assert_eq!(
        code_of(record_result(
            conn,
            now(),
            assigned_inspector,
            first.id,
            &empty
        )),
        Code::Required
    );
    let recorded = record_result(conn, now(), assigned_inspector, first.id, &result).unwrap();
    assert_eq!(
        (recorded.status, recorded.outcome),
        (TaskStatus::Recorded, Some(Outcome::Fail))
    );
    assert!(
        public_results(conn, now(), crate::filings::Paging::default())
            .unwrap()
            .is_empty()
    );
    let published = publish_result(conn, now(), &boss, first.id).unwrap();
    assert_eq!(published.items[0].title, "预包装食品标签");
    assert_eq!(
        code_of(record_result(
            conn,
            now(),
            assigned_inspector,
            first.id,
            &result
        )),
        Code::ResultPublished
    );
    let public = public_results(conn, now(), crate::filings::Paging::default()).unwrap();
    assert_eq!(public, vec![published]);
    // Public for five years, then no longer.
    let later = now() + Duration::days(5 * 366);
    assert!(
        public_results(conn, later, crate::filings::Paging::default())
            .unwrap()
            .is_empty()
    );
    let leaves: i64 = crate::schema::ledger_leaves::table
        .count()
        .get_result(conn)
        .unwrap();
    assert_eq!(leaves, 1, "the result's digest is in the evidence ledger");

    // Who sees what.
    let enterprise_view =
        list_tasks(conn, &enterprise_actor(ents[2]), &TaskFilter::default()).unwrap();
    assert_eq!(
        enterprise_view
            .iter()
            .map(|t| t.enterprise_id)
            .collect::<Vec<_>>(),
        vec![ents[2]]
    );
    let mine = list_tasks(conn, &zhao, &TaskFilter::default()).unwrap();
    assert!(mine.iter().all(|t| t.inspectors.contains(&zhao.user_id)));
    assert!(find_task(conn, outsider, first.id).is_err());
}

fn enterprise_actor(id: i64) -> Actor {
    Actor {
        user_id: 0,
        username: "ent".into(),
        role: Role::Enterprise,
        department_id: None,
        enterprise_id: Some(id),
        method: AuthMethod::Session,
        scopes: vec![crate::identity::Scope::Read],
    }
}

fn find_task_of(conn: &mut DbConn, boss: &Actor, enterprise: i64) -> Task {
    list_tasks(conn, boss, &TaskFilter::default())
        .unwrap()
        .into_iter()
        .find(|t| t.enterprise_id == enterprise)
        .unwrap()
}

#[test]
fn the_next_plan_keeps_inspectors_from_the_enterprises_they_just_checked() {
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
    enterprises(conn, &[CreditTier::B, CreditTier::C]);
    add_item(conn, now(), &boss, &label_item()).unwrap();
    let team: Vec<Actor> = ["a1", "a2", "a3", "a4"]
        .iter()
        .map(|n| inspector(conn, &boss, n))
        .collect();
    let first = create_plan(conn, now(), &boss, &plan(&["FOOD-LABEL-01"])).unwrap();
    let (_, before) = lock_plan(conn, now(), &boss, first.id, &seed(1)).unwrap();
    let second = create_plan(conn, now(), &boss, &plan(&["FOOD-LABEL-01"])).unwrap();
    let (_, after) = lock_plan(
        conn,
        now() + Duration::seconds(1),
        &boss,
        second.id,
        &seed(1),
    )
    .unwrap();
    for task in &after {
        let earlier = before
            .iter()
            .find(|t| t.enterprise_id == task.enterprise_id)
            .unwrap();
        assert!(
            task.inspectors
                .iter()
                .all(|i| !earlier.inspectors.contains(i)),
            "{task:?} after {earlier:?}"
        );
    }
    let record = draw_record(conn, second.id).unwrap();
    assert_eq!(record.inputs.exclusions.len(), 4);
    // With two inspectors left per enterprise, a third plan cannot staff its tasks when two quit.
    for gone in &team[..2] {
        diesel::update(crate::schema::inspectors::table.find(gone.user_id))
            .set(crate::schema::inspectors::active.eq(false))
            .execute(conn)
            .unwrap();
    }
    let third = create_plan(conn, now(), &boss, &plan(&["FOOD-LABEL-01"])).unwrap();
    let outcome = lock_plan(
        conn,
        now() + Duration::seconds(2),
        &boss,
        third.id,
        &seed(1),
    );
    assert_eq!(code_of(outcome), Code::NotEnoughInspectors);
}

#[test]
fn late_results_and_late_publications_are_reminded_once_a_day() {
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
    let ents = enterprises(conn, &[CreditTier::B, CreditTier::B]);
    add_item(conn, now(), &boss, &label_item()).unwrap();
    let team: Vec<Actor> = ["b1", "b2", "b3"]
        .iter()
        .map(|n| inspector(conn, &boss, n))
        .collect();
    let draft = create_plan(conn, now(), &boss, &plan(&["FOOD-LABEL-01"])).unwrap();
    lock_plan(conn, now(), &boss, draft.id, &seed(3)).unwrap();
    assert_eq!(remind_overdue(conn, now()).unwrap(), Reminded::default());
    // One result comes in; the other is late once the window has closed.
    let done = find_task_of(conn, &boss, ents[0]);
    let by = team
        .iter()
        .find(|a| done.inspectors.contains(&a.user_id))
        .unwrap();
    let result = NewResult {
        items: vec![ItemOutcome {
            code: "FOOD-LABEL-01".into(),
            outcome: Outcome::Pass,
            finding: String::new(),
        }],
        findings: "符合要求".into(),
    };
    record_result(conn, now(), by, done.id, &result).unwrap();
    let closed = now() + Duration::days(31);
    let reminded = remind_overdue(conn, closed).unwrap();
    assert_eq!(
        reminded,
        Reminded {
            results_due: 1,
            publications_due: 0
        }
    );
    assert_eq!(
        remind_overdue(conn, closed + Duration::hours(2)).unwrap(),
        Reminded::default()
    );
    let late = draft.publish_by.and_hms_opt(12, 0, 0).unwrap() + Duration::days(1);
    let reminded = remind_overdue(conn, late).unwrap();
    assert_eq!(
        reminded,
        Reminded {
            results_due: 1,
            publications_due: 1
        }
    );
    let topics: Vec<String> = notices_queued(conn)
        .into_iter()
        .map(|n| n.topic)
        .filter(|t| t.ends_with("_due"))
        .collect();
    assert_eq!(
        topics,
        vec![RESULT_DUE_TOPIC, RESULT_DUE_TOPIC, PUBLICATION_DUE_TOPIC]
    );
}

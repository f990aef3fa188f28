//! Alerts over HTTP: each role sees its own part of the one store, officers of the competent
//! department acknowledge and close with a note, and each step is audited.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use diesel::prelude::*;
use registry::alerts::{self, NewAlert, Severity};
use registry::departments::Category;
use registry::identity::Role;
use registry::schema::audit_log;
use serde_json::{Value, json};
use tracehub_tests::fixtures::Registry;
use tracehub_tests::{assert_error, body};

fn raise(
    r: &Registry,
    kind: &str,
    region: &str,
    category: Option<Category>,
    enterprise: Option<i64>,
) -> i64 {
    r.app
        .state
        .db
        .transaction(|conn| {
            alerts::raise(
                conn,
                r.app.now(),
                &NewAlert {
                    kind,
                    severity: Severity::Warning,
                    enterprise_id: enterprise,
                    region_code: region,
                    category,
                    company_prefix: "",
                    subject: "stamp:K7M3P9X2W4R8T6",
                    detail: json!({ "serial": "K7M3P9X2W4R8T6" }),
                    dedupe_key: None,
                },
            )
        })
        .unwrap()
        .unwrap()
        .id
}

fn ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect()
}

#[test]
fn alerts_are_read_by_jurisdiction_and_handled_by_the_competent_officer() {
    let r = Registry::new();
    let food = r.officer("zz-food", "410100", &["food"]);
    let drugs = r.officer("zz-drugs", "410100", &["drugs"]);
    let (ent, ent_token) = r.register(1, "410102", &["food"]);
    let (_, other_token) = r.register(2, "410102", &["food"]);
    let inspector = r.app.token("insp", Role::Inspector);

    let own = raise(
        &r,
        "stamp.wrong_code",
        "410102",
        Some(Category::Food),
        Some(ent),
    );
    let any = raise(&r, "licence.expired", "410105", None, None);
    let far = raise(
        &r,
        "stamp.unknown_serial",
        "410302",
        Some(Category::Food),
        None,
    );

    assert_eq!(ids(&body(r.get(&food, "/api/v1/alerts"))), [any, own]);
    assert_eq!(ids(&body(r.get(&drugs, "/api/v1/alerts"))), [any]);
    assert_eq!(
        ids(&body(r.get(&r.admin, "/api/v1/alerts"))),
        [far, any, own]
    );
    assert_eq!(ids(&body(r.get(&ent_token, "/api/v1/alerts"))), [own]);
    assert!(ids(&body(r.get(&other_token, "/api/v1/alerts"))).is_empty());
    assert_eq!(
        ids(&body(r.get(
            &r.admin,
            "/api/v1/alerts?kind=stamp.unknown_serial&status=open&severity=warning"
        ))),
        [far]
    );
    assert_eq!(
        ids(&body(r.get(&r.admin, "/api/v1/alerts?per_page=1&page=2"))),
        [any]
    );
    assert_error(
        r.get(&r.admin, "/api/v1/alerts?per_page=0"),
        422,
        "invalid_page",
    );
    assert_error(r.get(&inspector, "/api/v1/alerts"), 403, "forbidden");

    assert_eq!(
        body(r.get(&ent_token, &format!("/api/v1/alerts/{own}")))["kind"],
        "stamp.wrong_code"
    );
    assert_error(
        r.get(&other_token, &format!("/api/v1/alerts/{own}")),
        404,
        "not_found",
    );
    assert_error(
        r.get(&drugs, &format!("/api/v1/alerts/{own}")),
        403,
        "outside_jurisdiction",
    );

    let ack = format!("/api/v1/alerts/{own}/acknowledge");
    assert_error(
        r.post(Some(&drugs), &ack, json!({ "note": "mine?" })),
        403,
        "outside_jurisdiction",
    );
    assert_error(
        r.post(Some(&r.admin), &ack, json!({ "note": "x" })),
        403,
        "forbidden",
    );
    assert_eq!(
        assert_error(
            r.post(Some(&food), &ack, json!({ "note": "" })),
            422,
            "invalid_text"
        )["field"],
        "note"
    );
    let taken = body(r.post(Some(&food), &ack, json!({ "note": "inspecting the shop" })));
    assert_eq!(
        (taken["status"].as_str(), taken["handled_by"].as_str()),
        (Some("acknowledged"), Some("user:zz-food"))
    );
    assert_error(
        r.post(Some(&food), &ack, json!({ "note": "again" })),
        409,
        "alert_not_open",
    );
    let close = format!("/api/v1/alerts/{own}/close");
    let closed = body(r.post(
        Some(&food),
        &close,
        json!({ "note": "counterfeits seized" }),
    ));
    assert_eq!(
        (closed["status"].as_str(), closed["note"].as_str()),
        (Some("closed"), Some("counterfeits seized"))
    );
    assert_error(
        r.post(Some(&food), &close, json!({ "note": "again" })),
        409,
        "alert_closed",
    );
    assert_error(
        r.post(
            Some(&food),
            "/api/v1/alerts/999999/close",
            json!({ "note": "x" }),
        ),
        404,
        "not_found",
    );

    let actions: Vec<(String, String)> = audit_log::table
        .filter(audit_log::action.like("alert.%"))
        .order(audit_log::seq)
        .select((audit_log::action, audit_log::target))
        .load(&mut r.app.test_db().raw())
        .unwrap();
    let target = format!("alert:{own}");
    assert_eq!(
        actions,
        [
            ("alert.acknowledge".to_owned(), target.clone()),
            ("alert.close".to_owned(), target)
        ]
    );
}

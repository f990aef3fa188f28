//! Spot checks in the portal over HTTP: an inspector finds their task, records the result per
//! item (a failed item without its finding is refused next to the form, with what was typed),
//! the officer publishes it from the task's page, another inspector cannot reach it, and the
//! public page shows the result and the plan's seed to anyone.

use serde_json::json;
use tracehub_tests::fixtures::Registry;
use tracehub_tests::portal::{Part, Visitor, assert_refused_page, location, post_multipart};
use tracehub_tests::{PASSWORD, body};

#[test]
fn an_inspector_records_and_the_department_publishes_in_the_portal() {
    let r = Registry::new();
    let boss = r.officer("zz-food", "410100", &["food"]);
    let department = body(r.get(&boss, "/api/v1/me"))["department_id"]
        .as_i64()
        .unwrap();
    let (ent, _) = r.register(1, "410102", &["food"]);
    r.approve(&boss, ent);
    let item = json!({ "category": "food", "code": "FOOD-LABEL-01", "title": "预包装食品标签", "method": "现场检查标签" });
    assert_eq!(
        r.post(Some(&boss), "/api/v1/spot-checks/items", item)
            .status(),
        201
    );
    for name in ["inspector-wang", "inspector-li", "inspector-zhao"] {
        let created = r.post(
            Some(&r.admin),
            "/api/v1/users",
            json!({ "username": name, "display_name": name, "password": PASSWORD, "role": "inspector", "department_id": department }),
        );
        let id = body(created)["id"].as_i64().unwrap();
        let enrolled = r.post(
            Some(&boss),
            "/api/v1/spot-checks/inspectors",
            json!({ "user_id": id, "region_code": "410102" }),
        );
        assert_eq!(enrolled.status(), 201);
    }
    let plan = json!({
        "title": "门户抽查计划", "categories": ["food"], "regions": ["410100"], "items": ["FOOD-LABEL-01"],
        "ratios": { "A": 10000, "B": 10000, "C": 10000, "D": 10000 },
        "window_start": r.app.today().to_string(),
        "window_end": (r.app.today() + chrono::Duration::days(30)).to_string(),
    });
    let plan_id = body(r.post(Some(&boss), "/api/v1/spot-checks/plans", plan))["id"]
        .as_i64()
        .unwrap();
    let locked = body(r.post(
        Some(&boss),
        &format!("/api/v1/spot-checks/plans/{plan_id}/lock"),
        json!({}),
    ));
    let seed = locked["plan"]["seed"].as_str().unwrap().to_owned();
    let task = body(r.get(&boss, "/api/v1/spot-checks/tasks"))[0].clone();
    let id = task["id"].as_i64().unwrap();
    let names: Vec<String> = task["inspectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            body(r.get(&r.admin, &format!("/api/v1/users/{i}")))["username"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let outsider = ["inspector-wang", "inspector-li", "inspector-zhao"]
        .into_iter()
        .find(|n| !names.iter().any(|m| m == n))
        .unwrap();

    let inspector = Visitor::signed_in(&r.app, &names[0]);
    let list = inspector.page("/portal/spot-checks");
    assert!(list.contains(&format!("data-task=\"{id}\"")), "{list}");
    let here = format!("/portal/spot-checks/tasks/{id}");
    let page = inspector.page(&here);
    assert!(page.contains("预包装食品标签") && page.contains("id=\"spot-check-result\""));
    let action = format!("{here}/result");
    let refused = inspector.submit(
        &here,
        &action,
        &[
            ("code-0", "FOOD-LABEL-01"),
            ("outcome-0", "fail"),
            ("finding-0", ""),
            ("findings", "标签不合格"),
        ],
    );
    assert_eq!(refused.status(), 422);
    let shown = refused.text().unwrap();
    assert!(
        shown.contains("error-summary") && shown.contains("标签不合格"),
        "{shown}"
    );
    let recorded = inspector.submit(
        &here,
        &action,
        &[
            ("code-0", "FOOD-LABEL-01"),
            ("outcome-0", "fail"),
            ("finding-0", "未标注生产日期"),
            ("findings", "标签不合格，责令改正"),
        ],
    );
    assert_eq!(
        (recorded.status().as_u16(), location(&recorded)),
        (303, here.clone())
    );
    assert!(inspector.page(&here).contains("data-status=\"recorded\""));
    let token = tracehub_tests::portal::csrf_of(&inspector.page(&here));
    let photo: &[u8] = b"\x89PNG\r\n\x1a\n the label";
    let attached = post_multipart(
        &inspector,
        &format!("{here}/evidence"),
        &[
            Part::Text("csrf_token", &token),
            Part::File("label.png", "image/png", photo),
        ],
    );
    assert_eq!(attached.status(), 303);
    assert!(inspector.page(&here).contains("label.png"));

    let other = Visitor::signed_in(&r.app, outsider);
    assert_refused_page(
        other.client.get(r.app.url(&here)).send().unwrap(),
        404,
        "not_found",
    );

    let officer = Visitor::signed_in(&r.app, "zz-food");
    let published = officer.submit(&here, &format!("{here}/publish"), &[]);
    assert_eq!(published.status(), 303);
    assert!(officer.page(&here).contains("data-status=\"published\""));
    assert!(
        !inspector.page(&here).contains("id=\"spot-check-result\""),
        "no form once published"
    );

    let public = Visitor::anonymous(&r.app).page("/spot-checks");
    assert!(
        public.contains(&format!("data-task=\"{id}\"")) && public.contains("未标注生产日期"),
        "{public}"
    );
    assert!(public.contains(&seed), "the plan's seed is published");
    assert!(
        public.contains("label.png"),
        "the evidence is listed by name and hash"
    );
}

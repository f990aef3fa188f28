//! Spot checks over HTTP: the department's check items and inspector pool, a declared conflict
//! and a recorded relation, a plan locked into its draw, the draw published and recomputed by
//! anyone (the public endpoint and `hub spotcheck verify-draw`), a result recorded by an
//! assigned inspector only, published by the department, and public.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use clap::Parser;
use hub::cli::spotcheck::{report, run_on};
use hub::cli::{Cli, Command};
use registry::identity::{self, Scope};
use serde_json::{Value, json};
use tracehub_tests::fixtures::Registry;
use tracehub_tests::smtp::SmtpServer;
use tracehub_tests::{assert_error, body, wait_until};

/// An inspector of the department of officer `boss` (created by the administrator through the
/// API), enrolled by `boss`; returns (user id, token).
fn inspector(r: &Registry, boss: &str, department: i64, name: &str) -> (i64, String) {
    let created = r.post(
        Some(&r.admin),
        "/api/v1/users",
        json!({ "username": name, "display_name": name, "email": format!("{name}@example.cn"), "locale": "en", "role": "inspector", "department_id": department }),
    );
    assert_eq!(created.status(), 201);
    let id = body(created)["id"].as_i64().unwrap();
    let enrolled = r.post(
        Some(boss),
        "/api/v1/spot-checks/inspectors",
        json!({ "user_id": id, "region_code": "410102" }),
    );
    assert_eq!(enrolled.status(), 201);
    let user =
        identity::find_user_by_name(&mut r.app.test_db().db().conn().unwrap(), name).unwrap();
    (id, r.app.token_for(&user, &[Scope::Read, Scope::Write]))
}

fn public(r: &Registry, path: &str) -> Value {
    let response = r.app.client().get(r.app.url(path)).send().unwrap();
    assert_eq!(response.status(), 200, "{path}");
    body(response)
}

/// `hub spotcheck verify-draw <args>` on the test hub: the report and whether it verified.
fn verify_draw(r: &Registry, args: &[&str]) -> (String, bool) {
    let cli = Cli::try_parse_from(["hub", "spotcheck", "verify-draw"].iter().chain(args)).unwrap();
    let Command::Spotcheck { command } = cli.command else {
        panic!("not a spotcheck command");
    };
    let found = run_on(&r.app.state, command).unwrap();
    (report(&found), found.verified)
}

#[test]
fn a_double_random_spot_check_from_plan_to_public_result() {
    let mail = SmtpServer::start();
    let r = Registry::spawn_with(mail.hub_mails_here());
    let boss = r.officer("zz-food", "410100", &["food"]);
    let department = body(r.get(&boss, "/api/v1/me"))["department_id"]
        .as_i64()
        .unwrap();
    let enterprises: Vec<i64> = (1..=3)
        .map(|n| {
            let (id, _) = r.register(n, "410102", &["food"]);
            r.approve(&boss, id);
            id
        })
        .collect();
    let (_, ent_token) = {
        let user =
            identity::find_user_by_name(&mut r.app.test_db().db().conn().unwrap(), "ent1").unwrap();
        (
            user.id,
            r.app.token_for(&user, &[Scope::Read, Scope::Write]),
        )
    };

    // The department's list of check items and its pool.
    let item = json!({ "category": "food", "code": "FOOD-LABEL-01", "title": "预包装食品标签", "method": "现场检查标签与配料表" });
    assert_eq!(
        r.post(Some(&boss), "/api/v1/spot-checks/items", item.clone())
            .status(),
        201
    );
    assert_error(
        r.post(Some(&boss), "/api/v1/spot-checks/items", item),
        409,
        "conflict",
    );
    let drugs = json!({ "category": "drugs", "code": "DRUG-01", "title": "t", "method": "m" });
    assert_error(
        r.post(Some(&boss), "/api/v1/spot-checks/items", drugs),
        422,
        "invalid_category",
    );
    let items = body(r.get(
        &boss,
        &format!("/api/v1/departments/{department}/check-items"),
    ));
    assert_eq!(items.as_array().unwrap().len(), 1);
    let (wang, wang_token) = inspector(&r, &boss, department, "inspector-wang");
    let (li, li_token) = inspector(&r, &boss, department, "inspector-li");
    let (zhao, zhao_token) = inspector(&r, &boss, department, "inspector-zhao");

    // Zhao declares a conflict with the first enterprise, the officer records Li's relation to
    // the second; an inspector cannot declare for a colleague.
    let conflict = |token: &str, inspector: i64, enterprise: i64| {
        r.post(
            Some(token),
            &format!("/api/v1/spot-checks/inspectors/{inspector}/conflicts"),
            json!({ "enterprise_id": enterprise, "note": "亲属在该企业任职" }),
        )
    };
    assert_eq!(
        body(conflict(&zhao_token, zhao, enterprises[0]))["kind"],
        "declared"
    );
    assert_eq!(
        body(conflict(&boss, li, enterprises[1]))["kind"],
        "relation"
    );
    assert_error(
        conflict(&wang_token, li, enterprises[2]),
        403,
        "not_own_object",
    );
    let pool = body(r.get(
        &boss,
        &format!("/api/v1/departments/{department}/inspectors"),
    ));
    assert_eq!(pool.as_array().unwrap().len(), 3);

    // A plan at 100 % for every tier, locked into its draw.
    let plan = json!({
        "title": "2026年第四季度食品双随机抽查",
        "categories": ["food"],
        "regions": ["410100"],
        "items": ["FOOD-LABEL-01"],
        "ratios": { "A": 10000, "B": 10000, "C": 10000, "D": 10000 },
        "window_start": r.app.today().to_string(),
        "window_end": (r.app.today() + chrono::Duration::days(30)).to_string(),
    });
    let mut bad = plan.clone();
    bad["regions"] = json!(["440100"]);
    assert_eq!(
        assert_error(
            r.post(Some(&boss), "/api/v1/spot-checks/plans", bad),
            422,
            "invalid_region"
        )["field"],
        "regions[0]"
    );
    let created = r.post(Some(&boss), "/api/v1/spot-checks/plans", plan);
    assert_eq!(created.status(), 201);
    let plan_id = body(created)["id"].as_i64().unwrap();
    let draw_path = format!("/api/v1/public/spot-checks/plans/{plan_id}/draw");
    assert_eq!(
        r.app
            .client()
            .get(r.app.url(&draw_path))
            .send()
            .unwrap()
            .status(),
        404,
        "a draft has no draw"
    );
    assert_error(
        r.post(
            Some(&wang_token),
            &format!("/api/v1/spot-checks/plans/{plan_id}/lock"),
            json!({}),
        ),
        403,
        "forbidden",
    );
    let locked = r.post(
        Some(&boss),
        &format!("/api/v1/spot-checks/plans/{plan_id}/lock"),
        json!({}),
    );
    assert_eq!(locked.status(), 201);
    let locked = body(locked);
    assert_eq!(locked["tasks"], 3);
    assert_eq!(locked["plan"]["status"], "locked");
    assert_eq!(locked["plan"]["seed"].as_str().unwrap().len(), 64);
    assert_error(
        r.post(
            Some(&boss),
            &format!("/api/v1/spot-checks/plans/{plan_id}/lock"),
            json!({}),
        ),
        409,
        "plan_locked",
    );

    // Each inspector is mailed their tasks, as text and HTML, once.
    let assigned =
        |m: &tracehub_tests::smtp::Received| m.subject().starts_with("[Random spot check]");
    wait_until("three inspectors mailed", || {
        mail.messages().iter().filter(|m| assigned(m)).count() == 3
    });
    let to_wang = mail
        .messages()
        .into_iter()
        .find(|m| assigned(m) && m.to == ["inspector-wang@example.cn"])
        .unwrap();
    assert!(
        to_wang.text().contains("Check items: FOOD-LABEL-01"),
        "{}",
        to_wang.text()
    );
    let html = to_wang
        .parsed()
        .body_html(0)
        .map(|h| h.into_owned())
        .unwrap_or_default();
    assert!(
        html.contains("<html lang=\"en\">") && html.contains("FOOD-LABEL-01"),
        "{html}"
    );

    // Anyone recomputes the draw: the public endpoint, and the command line from the database
    // and from the published file; a forged file does not verify.
    let verified = public(
        &r,
        &format!("/api/v1/public/spot-checks/plans/{plan_id}/verify"),
    );
    assert_eq!(
        (verified["verified"].clone(), verified["tasks"].clone()),
        (json!(true), json!(3))
    );
    let draw = public(&r, &draw_path);
    let staffed = |enterprise: i64| -> Vec<i64> {
        let task = draw["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["enterprise_id"] == enterprise)
            .unwrap();
        task["inspectors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i.as_i64().unwrap())
            .collect()
    };
    assert!(
        !staffed(enterprises[0]).contains(&zhao),
        "declared conflict"
    );
    assert!(!staffed(enterprises[1]).contains(&li), "recorded relation");
    let (printed, ok) = verify_draw(&r, &[&plan_id.to_string()]);
    assert!(
        ok && printed.contains("verified: the draw follows"),
        "{printed}"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("draw.json");
    std::fs::write(&file, draw.to_string()).unwrap();
    assert!(verify_draw(&r, &["--file", file.to_str().unwrap()]).1);
    let mut forged = draw.clone();
    // Two inspectors staff each task, so a third one added by hand can never be the draw.
    forged["tasks"][0]["inspectors"] = json!([wang, li, zhao]);
    std::fs::write(&file, forged.to_string()).unwrap();
    let (printed, ok) = verify_draw(&r, &["--file", file.to_str().unwrap()]);
    assert!(!ok && printed.contains("draw: DIFFER"), "{printed}");

    // Each sees their tasks: the enterprise its own, an inspector theirs.
    let mine = body(r.get(&ent_token, "/api/v1/spot-checks/tasks"));
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["enterprise_id"], enterprises[0]);
    let task = mine[0]["id"].as_i64().unwrap();
    let assigned: Vec<i64> = mine[0]["inspectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_i64().unwrap())
        .collect();
    let tokens = [(wang, &wang_token), (li, &li_token), (zhao, &zhao_token)];
    let (by, outsider) = (
        tokens
            .iter()
            .find(|(id, _)| assigned.contains(id))
            .unwrap()
            .1,
        tokens
            .iter()
            .find(|(id, _)| !assigned.contains(id))
            .unwrap()
            .1,
    );
    assert_eq!(
        r.get(outsider, &format!("/api/v1/spot-checks/tasks/{task}"))
            .status(),
        404
    );

    // The result: only an assigned inspector, every item; then published.
    let result = json!({ "items": [{ "code": "FOOD-LABEL-01", "outcome": "fail", "finding": "未标注生产日期" }], "findings": "标签不合格，责令改正" });
    let path = format!("/api/v1/spot-checks/tasks/{task}/result");
    assert_error(
        r.post(Some(outsider), &path, result.clone()),
        403,
        "not_assigned",
    );
    let missing_finding =
        json!({ "items": [{ "code": "FOOD-LABEL-01", "outcome": "fail" }], "findings": "x" });
    assert_eq!(
        assert_error(r.post(Some(by), &path, missing_finding), 422, "required")["field"],
        "items[0].finding"
    );
    assert_error(
        r.post(
            Some(&boss),
            &format!("/api/v1/spot-checks/tasks/{task}/publish"),
            json!({}),
        ),
        409,
        "result_missing",
    );
    let recorded = r.post(Some(by), &path, result.clone());
    assert_eq!(recorded.status(), 200);
    assert_eq!(body(recorded)["outcome"], "fail");
    assert!(
        public(&r, "/api/v1/public/spot-checks/results")
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Evidence: a photo attached by an assigned inspector, read by the enterprise.
    let photo = b"\x89PNG\r\n\x1a\n evidence of the label".to_vec();
    let attach = |token: &str| {
        r.app
            .client()
            .post(r.app.url(&format!(
                "/api/v1/spot-checks/tasks/{task}/evidence?filename=label.png"
            )))
            .bearer_auth(token)
            .header("content-type", "image/png")
            .body(photo.clone())
            .send()
            .unwrap()
    };
    assert_error(attach(outsider), 403, "not_assigned");
    let attached = attach(by);
    assert_eq!(attached.status(), 201);
    let attached = body(attached);
    let sha256 = attached["sha256"].as_str().unwrap().to_owned();
    let download = r.get(
        &ent_token,
        &format!(
            "/api/v1/spot-checks/tasks/{task}/evidence/{}",
            attached["id"]
        ),
    );
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["etag"], format!("\"{sha256}\"").as_str());
    assert_eq!(download.bytes().unwrap().to_vec(), photo);
    let published = r.post(
        Some(&boss),
        &format!("/api/v1/spot-checks/tasks/{task}/publish"),
        json!({}),
    );
    assert_eq!(published.status(), 201);
    assert_error(r.post(Some(by), &path, result), 409, "result_published");
    assert_error(attach(by), 409, "result_published");
    let results = public(&r, "/api/v1/public/spot-checks/results");
    assert_eq!(
        results[0]["enterprise_name"],
        body(r.get(&boss, &format!("/api/v1/enterprises/{}", enterprises[0])))["name"]
    );
    assert_eq!(results[0]["items"][0]["title"], "预包装食品标签");
    assert_eq!(results[0]["outcome"], "fail");
    assert_eq!(
        results[0]["evidence"],
        json!([{ "filename": "label.png", "sha256": sha256 }])
    );
    let plans = public(&r, "/api/v1/public/spot-checks/plans");
    assert_eq!(plans[0]["id"], plan_id);
    assert_eq!(
        r.audited("spotcheck.result.publish"),
        vec![format!("spot-check-task:{task}")]
    );
}

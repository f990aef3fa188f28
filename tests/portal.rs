//! The portal's pages over HTTP, as a person's browser drives them: forms refused without their
//! CSRF token, registry errors shown next to the field they name with what was typed, the
//! review by the competent department only, an enterprise that cannot reach another's pages,
//! post/redirect/get with a flash, search, and administration.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use serde_json::json;
use tracehub_tests::fixtures::{Registry, uscc};
use tracehub_tests::portal::{Visitor, assert_refused_page, csrf_of, location};
use tracehub_tests::{PASSWORD, body};

/// The registration form's fields for enterprise `n`.
fn registration(n: u32) -> Vec<(&'static str, String)> {
    vec![
        ("credit_code", uscc("410102", n)),
        ("name", format!("门户企业{n}")),
        ("name_en", format!("Portal Enterprise {n}")),
        ("legal_representative", "李雷".into()),
        ("phone", "0371-6666 8888".into()),
        ("email", format!("p{n}@example.cn")),
        ("region_code", "410102".into()),
        ("address", "郑州市中原路8号".into()),
        ("latitude", "34.75".into()),
        ("longitude", "113.62".into()),
        ("company_prefix", String::new()),
        ("categories", "food".into()),
        ("username", format!("portal{n}")),
        ("password", PASSWORD.into()),
    ]
}

fn fields<'a>(pairs: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    pairs.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn enterprise_count(r: &Registry) -> i64 {
    body(r.get(&r.admin, "/api/v1/enterprises"))["total"]
        .as_i64()
        .unwrap()
}

#[test]
fn an_enterprise_registers_through_the_form_and_errors_name_the_field() {
    let r = Registry::new();
    let visitor = Visitor::anonymous(&r.app);
    let form = visitor.page("/portal/register");
    assert!(form.contains("<label for=\"register-credit_code\">"));
    let mut typed = registration(1);

    assert_refused_page(
        visitor.post_without_token("/portal/register", &fields(&typed)),
        403,
        "csrf_missing",
    );
    assert_refused_page(
        visitor.post_with_token(
            "/portal/register",
            "forged-token-forged-token-forged!",
            &fields(&typed),
        ),
        403,
        "csrf_invalid",
    );
    assert_eq!(enterprise_count(&r), 0, "a refused form writes nothing");

    typed[0].1 = "91110000600037341X".into();
    let refused = visitor.submit("/portal/register", "/portal/register", &fields(&typed));
    assert_eq!(refused.status(), 422);
    let page = refused.text().unwrap();
    assert!(page.contains("id=\"register-credit_code-error\""), "{page}");
    assert!(page.contains("aria-invalid=\"true\""));
    assert!(page.contains("value=\"门户企业1\""), "what was typed stays");
    assert!(!page.contains(PASSWORD), "a password is never sent back");

    typed[0].1 = uscc("410102", 1);
    typed.retain(|(k, _)| *k != "categories");
    let refused = visitor.submit("/portal/register", "/portal/register", &fields(&typed));
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .unwrap()
            .contains("id=\"register-categories-error\"")
    );
    assert_eq!(enterprise_count(&r), 0);

    let typed = registration(1);
    let done = visitor.submit("/portal/register", "/portal/register", &fields(&typed));
    assert_eq!(done.status(), 303);
    assert_eq!(location(&done), "/portal/login");
    let login = visitor.page("/portal/login");
    assert!(login.contains("registered and awaits review"), "{login}");
    assert!(
        !visitor
            .page("/portal/login")
            .contains("registered and awaits review"),
        "a flash is shown once"
    );
    assert_eq!(enterprise_count(&r), 1);

    let again = visitor.submit("/portal/register", "/portal/register", &fields(&typed));
    assert_eq!(again.status(), 409);
    assert!(
        again
            .text()
            .unwrap()
            .contains("id=\"register-credit_code-error\"")
    );

    let enterprise = Visitor::signed_in(&r.app, "portal1");
    let home = enterprise.page("/portal");
    assert!(
        home.contains("门户企业1") && home.contains("Pending review"),
        "{home}"
    );
}

#[test]
fn only_the_competent_officer_reviews_from_the_queue() {
    let r = Registry::new();
    let (id, _) = r.register(1, "410102", &["food"]);
    r.officer("zz-food", "410100", &["food"]);
    r.officer("ly-food", "410300", &["food"]);
    let competent = Visitor::signed_in(&r.app, "zz-food");
    let stranger = Visitor::signed_in(&r.app, "ly-food");
    let page = format!("/portal/enterprises/{id}");
    let decision = format!("{page}/decision");

    let (status, refused) = stranger.get(&page);
    assert_eq!(status, 403);
    assert!(refused.contains("data-error=\"outside_jurisdiction\""));
    assert!(!stranger.page("/portal/review").contains(&page));
    let token = csrf_of(&stranger.page("/portal/review"));
    let answer = stranger.post_with_token(&decision, &token, &[("decision", "approve")]);
    assert_eq!(answer.status(), 403);
    let status = body(r.get(&r.admin, &format!("/api/v1/enterprises/{id}")))["status"].clone();
    assert_eq!(status, "pending", "the stranger's approval changed nothing");

    let queue = competent.page("/portal/review");
    assert!(queue.contains(&page), "{queue}");
    let refused = competent.submit(&page, &decision, &[("decision", "reject"), ("reason", " ")]);
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .unwrap()
            .contains("id=\"reject-reason-error\"")
    );

    let approved = competent.submit(
        "/portal/review",
        &decision,
        &[("decision", "approve"), ("back", "/portal/review")],
    );
    assert_eq!(approved.status(), 303);
    assert_eq!(location(&approved), "/portal/review");
    assert!(
        competent
            .page("/portal/review")
            .contains("The enterprise is approved.")
    );
    let status = body(r.get(&r.admin, &format!("/api/v1/enterprises/{id}")))["status"].clone();
    assert_eq!(status, "active");

    // A second approval (a stale queue) is refused on the dashboard, not lost.
    let token = csrf_of(&competent.page("/portal/review"));
    let stale = competent.post_with_token(&decision, &token, &[("decision", "approve")]);
    assert_eq!(stale.status(), 409);
    assert!(stale.text().unwrap().contains("does not apply"));

    let tier = competent.submit(
        &page,
        &format!("{page}/credit-tier"),
        &[("credit_tier", "C"), ("reason", "late filings")],
    );
    assert_eq!(tier.status(), 303);
    assert!(competent.page(&page).contains("Credit tier C"));
    let history = competent.page(&format!("{page}/history"));
    assert!(history.contains("data-action=\"enterprise.approve\""));
    assert!(history.contains("late filings"));

    // Administrators read everything but do not decide.
    let admin = Visitor::signed_in(&r.app, "root");
    assert!(admin.page(&page).contains("企业1"));
    let token = csrf_of(&admin.page(&page));
    assert_refused_page(
        admin.post_with_token(
            &decision,
            &token,
            &[("decision", "suspend"), ("reason", "x")],
        ),
        403,
        "forbidden",
    );
}

#[test]
fn an_enterprise_files_on_its_pages_and_cannot_reach_anothers() {
    let r = Registry::new();
    let (id, _) = r.register(1, "410102", &["food"]);
    let (other, _) = r.register(2, "410102", &["food"]);
    let officer = r.officer("zz-food", "410100", &["food"]);
    for e in [id, other] {
        let approved = r.post(
            Some(&officer),
            &format!("/api/v1/enterprises/{e}/approve"),
            json!({}),
        );
        assert_eq!(approved.status(), 200);
    }
    let me = Visitor::signed_in(&r.app, "ent1");
    let base = format!("/portal/enterprises/{id}");
    let sites = format!("{base}/sites");

    let site = [
        ("name", "一号仓库"),
        ("kind", "warehouse"),
        ("gln", "6901234000017"),
        ("address", "郑州"),
    ];
    assert_refused_page(me.post_without_token(&sites, &site), 403, "csrf_missing");
    let refused = me.submit(&sites, &sites, &site);
    assert_eq!(refused.status(), 422);
    let page = refused.text().unwrap();
    assert!(
        page.contains("id=\"site-gln-error\"") && page.contains("GLN"),
        "{page}"
    );
    let mut site = site;
    site[2].1 = "6901234000108";
    let added = me.submit(&sites, &sites, &site);
    assert_eq!(added.status(), 303);
    let list = me.page(&sites);
    assert!(list.contains("6901234000108") && list.contains("Site added."));

    let products = format!("{base}/products");
    let mut product = vec![
        ("gtin", "6901234000017"),
        ("name", "速冻水饺"),
        ("category", "food"),
        ("specification", "500 g"),
        ("shelf_life_days", "180"),
        ("target_markets", "CN, VN"),
    ];
    let refused = me.submit(&products, &products, &product);
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .unwrap()
            .contains("id=\"product-gtin-error\"")
    );
    product[0].1 = "6901234000016";
    product[5].1 = "CN, XX";
    let refused = me.submit(&products, &products, &product);
    assert!(
        refused
            .text()
            .unwrap()
            .contains("id=\"product-target_markets-error\"")
    );
    product[5].1 = "CN VN";
    assert_eq!(me.submit(&products, &products, &product).status(), 303);
    assert!(me.page(&products).contains("速冻水饺"));
    let product_id = body(r.get(&officer, &format!("/api/v1/enterprises/{id}/products")))[0]["id"]
        .as_i64()
        .unwrap()
        .to_string();

    let batches = format!("{base}/batches");
    let mut batch = vec![
        ("product_id", product_id.as_str()),
        ("lot", "L2026-001"),
        ("production_date", "2026-11-01"),
        ("quantity", "1200"),
        ("unit", "kg"),
        ("inputs", "#99999"),
    ];
    let refused = me.submit(&batches, &batches, &batch);
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .unwrap()
            .contains("id=\"batch-inputs-error\"")
    );
    batch[5].1 = "";
    assert_eq!(me.submit(&batches, &batches, &batch).status(), 303);
    let list = me.page(&batches);
    assert!(
        list.contains("L2026-001") && list.contains("2027-04-30"),
        "expiry from the shelf life: {list}"
    );

    // Another enterprise's pages do not exist for this one, and its forms write nothing.
    let theirs = format!("/portal/enterprises/{other}");
    for tail in [
        "",
        "/edit",
        "/history",
        "/licences",
        "/sites",
        "/products",
        "/batches",
    ] {
        let (status, page) = me.get(&format!("{theirs}{tail}"));
        assert_eq!(status, 404, "{theirs}{tail}: {page}");
    }
    let token = csrf_of(&me.page(&sites));
    let mut elsewhere = site;
    elsewhere[2].1 = "6901234000207";
    let refused = me.post_with_token(&format!("{theirs}/sites"), &token, &elsewhere);
    assert_eq!(refused.status(), 404);
    let theirs_sites = body(r.get(&officer, &format!("/api/v1/enterprises/{other}/sites")));
    assert_eq!(theirs_sites.as_array().unwrap().len(), 0);
    assert_refused_page(
        me.post_with_token(
            &format!("{theirs}/decision"),
            &token,
            &[("decision", "approve")],
        ),
        403,
        "forbidden",
    );

    let history = me.page(&format!("{base}/history"));
    assert!(history.contains("data-action=\"enterprise.approve\"") && history.contains("Approved"));
    assert!(history.contains("data-action=\"site.add\""));
}

#[test]
fn key_data_changes_and_resubmissions_go_through_review() {
    let r = Registry::new();
    let (id, _) = r.register(1, "410102", &["food"]);
    let officer_token = r.officer("zz-food", "410100", &["food"]);
    let officer = Visitor::signed_in(&r.app, "zz-food");
    let me = Visitor::signed_in(&r.app, "ent1");
    let page = format!("/portal/enterprises/{id}");
    let edit = format!("{page}/edit");

    // A rejection the enterprise reads and answers by correcting its data.
    let rejected = officer.submit(
        &page,
        &format!("{page}/decision"),
        &[("decision", "reject"), ("reason", "address incomplete")],
    );
    assert_eq!(rejected.status(), 303);
    let dashboard = me.page(&page);
    assert!(dashboard.contains("address incomplete") && dashboard.contains(&edit));
    let form = me.page(&edit);
    let token = csrf_of(&form);
    let current: Vec<(&str, &str)> = vec![
        ("credit_code", ""),
        ("name", "企业1"),
        ("name_en", "Enterprise 1"),
        ("categories", "food"),
        ("legal_representative", "张三"),
        ("phone", "+86 371 1234 5678"),
        ("email", "e1@example.cn"),
        ("address", "郑州市金水路1号"),
    ];
    let mut fields = current.clone();
    fields[0].1 = "";
    let cleared = me.post_with_token(&edit, &token, &fields);
    assert_eq!(cleared.status(), 422, "a cleared credit code is refused");
    assert!(
        cleared
            .text()
            .unwrap()
            .contains("id=\"edit-credit_code-error\"")
    );
    let code = uscc("410102", 1);
    fields[0].1 = &code;
    let unchanged = me.post_with_token(&edit, &token, &fields);
    assert_eq!(unchanged.status(), 422);
    assert!(unchanged.text().unwrap().contains("Nothing was changed."));
    fields[7].1 = "郑州市金水路1号3楼";
    let resubmitted = me.post_with_token(&edit, &token, &fields);
    assert_eq!(resubmitted.status(), 303);
    assert!(me.page(&page).contains("resubmitted for review"));
    let approved = officer.submit(
        &page,
        &format!("{page}/decision"),
        &[("decision", "approve")],
    );
    assert_eq!(approved.status(), 303);

    // After approval the name goes to review; the phone applies at once.
    fields[1].1 = "新企业名";
    fields[5].1 = "0371-88888888";
    let proposed = me.post_with_token(&edit, &token, &fields);
    assert_eq!(proposed.status(), 303);
    let dashboard = me.page(&page);
    assert!(dashboard.contains("awaits review") && dashboard.contains("新企业名"));
    let seen = body(r.get(&officer_token, &format!("/api/v1/enterprises/{id}")));
    assert_eq!(
        (seen["name"].as_str(), seen["phone"].as_str()),
        (Some("企业1"), Some("0371-88888888"))
    );

    let queue = officer.page("/portal/review");
    assert!(queue.contains("新企业名"), "{queue}");
    let change = body(r.get(&officer_token, &format!("/api/v1/enterprises/{id}/changes")))[0]["id"]
        .as_i64()
        .unwrap();
    let decided = officer.submit(
        "/portal/review",
        &format!("{page}/changes/{change}/decision"),
        &[("decision", "approve"), ("back", "/portal/review")],
    );
    assert_eq!(decided.status(), 303);
    assert!(!officer.page("/portal/review").contains("新企业名"));
    let seen = body(r.get(&officer_token, &format!("/api/v1/enterprises/{id}")));
    assert_eq!(seen["name"], "新企业名");
    let history = me.page(&format!("{page}/history"));
    for action in [
        "enterprise.reject",
        "enterprise.resubmit",
        "enterprise.change_approve",
    ] {
        assert!(
            history.contains(&format!("data-action=\"{action}\"")),
            "{action}"
        );
    }
}

#[test]
fn officers_search_filtered_sorted_and_paginated() {
    let r = Registry::new();
    for n in 1..=23 {
        let region = if n % 2 == 0 { "410102" } else { "410302" };
        r.register(n, region, &["food"]);
    }
    r.officer("zz-food", "410100", &["food"]);
    let admin = Visitor::signed_in(&r.app, "root");
    let officer = Visitor::signed_in(&r.app, "zz-food");

    let all = admin.page("/portal/enterprises");
    assert!(
        all.contains("23 enterprises found") && all.contains("page=2"),
        "{all}"
    );
    let second = admin.page("/portal/enterprises?sort=-name&page=2");
    assert_eq!(
        second.matches("<td><a href=\"/portal/enterprises/").count(),
        3
    );
    assert!(second.contains("aria-sort=\"descending\""));
    let mine = officer.page("/portal/enterprises?status=pending&category=food&name=企业");
    assert!(
        mine.contains("11 enterprises found"),
        "the jurisdiction only: {mine}"
    );
    let one = officer.page(&format!(
        "/portal/enterprises?credit_code={}",
        uscc("410102", 4)
    ));
    assert!(one.contains("1 enterprises found") && one.contains("企业4"));
    let (status, refused) = officer.get("/portal/enterprises?region=41x");
    assert_eq!(status, 422);
    assert!(refused.contains("id=\"search-region-error\""));
    let (status, refused) = officer.get("/portal/enterprises?sort=phone");
    assert_eq!(status, 422);
    assert!(refused.contains("id=\"search-sort\"") || refused.contains("cannot be sorted"));

    let ent = Visitor::signed_in(&r.app, "ent1");
    let (status, _) = ent.get("/portal/enterprises");
    assert_eq!(status, 403, "enterprises do not search");
}

#[test]
fn administrators_manage_departments_and_officers() {
    let r = Registry::new();
    let admin = Visitor::signed_in(&r.app, "root");
    let departments = "/portal/admin/departments";
    let department = [
        ("code", "MR-KF"),
        ("name", "开封市市场监督管理局"),
        ("region_code", "4102"),
        ("categories", "food"),
        ("categories", "drugs"),
    ];
    let refused = admin.submit(departments, departments, &department);
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .unwrap()
            .contains("id=\"department-region_code-error\"")
    );
    let mut department = department;
    department[2].1 = "410200";
    assert_eq!(
        admin.submit(departments, departments, &department).status(),
        303
    );
    let list = admin.page(departments);
    assert!(list.contains("MR-KF") && list.contains("Department created."));
    let dept_id = body(r.get(&r.admin, "/api/v1/departments"))[0]["id"]
        .as_i64()
        .unwrap()
        .to_string();

    let users = "/portal/admin/users";
    let mut officer = vec![
        ("username", "kf-officer"),
        ("display_name", "开封 officer"),
        ("password", PASSWORD),
        ("role", "officer"),
        ("department_id", ""),
    ];
    let refused = admin.submit(users, users, &officer);
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .unwrap()
            .contains("id=\"user-department_id-error\"")
    );
    officer[4].1 = &dept_id;
    assert_eq!(admin.submit(users, users, &officer).status(), 303);
    let kf = Visitor::signed_in(&r.app, "kf-officer");
    assert!(kf.page("/portal").contains("开封市市场监督管理局"));

    let user_id = body(r.get(&r.admin, "/api/v1/users?role=officer"))[0]["id"]
        .as_i64()
        .unwrap();
    let deactivated = admin.submit(users, &format!("{users}/{user_id}/deactivate"), &[]);
    assert_eq!(deactivated.status(), 303);
    assert_eq!(kf.get("/portal").0, 303, "the officer's session ended");
    let (status, _) = kf.get(users);
    assert_eq!(status, 303);
    let ent_visitor = {
        r.register(1, "410102", &["food"]);
        Visitor::signed_in(&r.app, "ent1")
    };
    assert_eq!(ent_visitor.get(users).0, 403);
}

#[test]
fn the_new_pages_speak_the_chosen_language() {
    let r = Registry::new();
    let (id, _) = r.register(1, "410102", &["food"]);
    let me = Visitor::signed_in(&r.app, "ent1");
    let page = format!("/portal/enterprises/{id}/sites");
    assert!(me.page(&page).contains("Add a site"));
    let switched = me
        .client
        .get(r.app.url(&format!("/portal/lang/zh-CN?next={page}")))
        .send()
        .unwrap();
    assert_eq!(location(&switched), page);
    let chinese = me.page(&page);
    assert!(
        chinese.contains("添加场所") && chinese.contains("待审核"),
        "{chinese}"
    );
    me.client
        .get(r.app.url(&format!("/portal/lang/vi?next={page}")))
        .send()
        .unwrap();
    let vietnamese = me.page(&page);
    assert!(vietnamese.contains("Thêm cơ sở") && vietnamese.contains("lang=\"vi\""));
}

#[test]
fn licences_show_their_expiry_and_go_to_review_after_approval() {
    let r = Registry::new();
    let (id, _) = r.register(1, "410102", &["food"]);
    r.officer("zz-food", "410100", &["food"]);
    let me = Visitor::signed_in(&r.app, "ent1");
    let officer = Visitor::signed_in(&r.app, "zz-food");
    let page = format!("/portal/enterprises/{id}/licences");
    let today = chrono::Utc::now().date_naive();
    let soon = (today + chrono::Days::new(10)).to_string();
    let mut licence = vec![
        ("licence_type", "food_production"),
        ("number", "SC10641010200001"),
        ("valid_from", "2021-01-01"),
        ("valid_to", "2020-12-31"),
        ("authority", "郑州市市场监督管理局"),
    ];
    let refused = me.submit(&page, &page, &licence);
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .unwrap()
            .contains("id=\"licence-valid_to-error\"")
    );
    licence[3].1 = &soon;
    assert_eq!(me.submit(&page, &page, &licence).status(), 303);
    let listed = me.page(&page);
    assert!(
        listed.contains("Licence added.") && listed.contains("Expires soon"),
        "{listed}"
    );
    assert!(
        me.page(&format!("/portal/enterprises/{id}"))
            .contains("expiring within 30 days: 1")
    );

    let approved = officer.submit(
        "/portal/review",
        &format!("/portal/enterprises/{id}/decision"),
        &[("decision", "approve")],
    );
    assert_eq!(approved.status(), 303);
    licence[1].1 = "SC10641010200002";
    licence[2].1 = "2015-01-01";
    licence[3].1 = "2020-01-01";
    assert_eq!(me.submit(&page, &page, &licence).status(), 303);
    let pending = me.page(&page);
    assert!(
        pending.contains("Licence filed; it awaits review.")
            && pending.contains("SC10641010200002")
    );
    assert_eq!(
        pending.matches("<td>SC1064").count(),
        1,
        "not on file before the decision"
    );

    let queue = officer.page("/portal/review");
    assert!(queue.contains("SC10641010200002"));
    let token = csrf_of(&queue);
    let form_action = queue
        .split("action=\"")
        .find(|part| part.contains("/changes/"))
        .and_then(|part| part.split('"').next())
        .unwrap()
        .to_owned();
    let rejected = officer.post_with_token(
        &form_action,
        &token,
        &[("decision", "reject"), ("reason", "expired")],
    );
    assert_eq!(rejected.status(), 303);
    let after = me.page(&format!("/portal/enterprises/{id}"));
    assert!(after.contains("Rejected") && after.contains("expired"));
    assert_eq!(me.page(&page).matches("<td>SC1064").count(), 1);
}

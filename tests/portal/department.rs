//! The department side: search, administration, languages.

use super::*;

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

//! An enterprise's own pages: filing, key-data changes, licences; another's pages refused.

use super::*;

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
fn licences_show_their_expiry_and_go_to_review_after_approval() {
    let r = Registry::new();
    let (id, _) = r.register(1, "410102", &["food"]);
    r.officer("zz-food", "410100", &["food"]);
    let me = Visitor::signed_in(&r.app, "ent1");
    let officer = Visitor::signed_in(&r.app, "zz-food");
    let page = format!("/portal/enterprises/{id}/licences");
    let today = r.app.today();
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

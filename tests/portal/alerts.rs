//! Alerts in the portal over HTTP: each role sees its part of the one store on the list and the
//! alert's page (another department's alert is 403, another enterprise's 404), filters, sorting
//! and pages; the competent officer acknowledges and closes through the forms (the error next to
//! the note, an audit row per step, nothing written from outside the jurisdiction); and every
//! refusal of the authorization check on a portal route is a page of the frame with its status.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use diesel::prelude::*;
use registry::alerts::{self, NewAlert, Severity};
use registry::departments::Category;
use registry::identity::Role;
use registry::schema::audit_log;
use serde_json::json;
use tracehub_tests::fixtures::Registry;
use tracehub_tests::portal::{Visitor, assert_refused_page, csrf_of, location};
use tracehub_tests::{assert_error, body};

fn raise(
    r: &Registry,
    kind: &str,
    severity: Severity,
    region: &str,
    category: Option<Category>,
    enterprise: Option<i64>,
) -> i64 {
    r.app
        .state
        .db
        .transaction(|conn| {
            alerts::raise(
                conn, r.app.now(),
                &NewAlert {
                    kind,
                    severity,
                    enterprise_id: enterprise,
                    region_code: region,
                    category,
                    company_prefix: "6901234",
                    subject: "stamp:K7M3P9X2W4R8T6",
                    detail: json!({ "serial": "K7M3P9X2W4R8T6", "scan_count": 41, "places": ["郑州", "洛阳"] }),
                    dedupe_key: None,
                },
            )
        })
        .unwrap()
        .unwrap()
        .id
}

/// The alert ids of a list page, in the order shown.
fn listed(page: &str) -> Vec<i64> {
    page.split("data-alert=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
        .collect()
}

/// (actor, action, target) of the audit rows of alerts.
fn alert_audit(r: &Registry) -> Vec<(String, String, String)> {
    audit_log::table
        .filter(audit_log::action.like("alert.%"))
        .order(audit_log::seq)
        .select((audit_log::actor, audit_log::action, audit_log::target))
        .load(&mut r.app.test_db().raw())
        .unwrap()
}

#[test]
fn each_role_sees_its_alerts_on_the_list_and_the_alert_page() {
    let r = Registry::new();
    r.officer("zz-food", "410100", &["food"]);
    r.officer("zz-drugs", "410100", &["drugs"]);
    let (ent, _) = r.register(1, "410102", &["food"]);
    r.register(2, "410102", &["food"]);
    r.app.user("insp", Role::Inspector);
    let own = raise(
        &r,
        "stamp.wrong_code",
        Severity::Warning,
        "410102",
        Some(Category::Food),
        Some(ent),
    );
    let any = raise(
        &r,
        "licence.expired",
        Severity::Critical,
        "410105",
        None,
        None,
    );
    let far = raise(
        &r,
        "stamp.unknown_serial",
        Severity::Info,
        "410302",
        Some(Category::Food),
        None,
    );

    let food = Visitor::signed_in(&r.app, "zz-food");
    let drugs = Visitor::signed_in(&r.app, "zz-drugs");
    let admin = Visitor::signed_in(&r.app, "root");
    let mine = Visitor::signed_in(&r.app, "ent1");
    let other = Visitor::signed_in(&r.app, "ent2");
    let inspector = Visitor::signed_in(&r.app, "insp");

    assert_eq!(listed(&food.page("/portal/alerts")), [any, own]);
    assert_eq!(listed(&drugs.page("/portal/alerts")), [any]);
    assert_eq!(listed(&admin.page("/portal/alerts")), [far, any, own]);
    assert_eq!(listed(&mine.page("/portal/alerts")), [own]);
    assert!(listed(&other.page("/portal/alerts")).is_empty());
    assert_refused_page(
        inspector
            .client
            .get(r.app.url("/portal/alerts"))
            .send()
            .unwrap(),
        403,
        "forbidden",
    );
    let home = food.page("/portal");
    assert!(home.contains("Open alerts: 2."), "{home}");
    assert!(
        mine.page("/portal").contains("Open alerts: 1."),
        "an enterprise counts its own"
    );

    // Filters, sorting by urgency, pages.
    let list = admin.page("/portal/alerts?severity=critical");
    assert_eq!(listed(&list), [any]);
    assert!(list.contains("1 alerts found."));
    assert_eq!(
        listed(&admin.page("/portal/alerts?kind=stamp.unknown_serial&status=open")),
        [far]
    );
    assert_eq!(
        listed(&admin.page("/portal/alerts?sort=-severity")),
        [any, own, far]
    );
    let sorted = admin.page("/portal/alerts?sort=severity");
    assert_eq!(listed(&sorted), [far, own, any]);
    assert!(sorted.contains("aria-sort=\"ascending\""));
    let second = admin.page("/portal/alerts?per_page=1&page=2");
    assert_eq!(listed(&second), [any]);
    assert!(second.contains("page=3") && second.contains("page=1"));
    let (status, refused) = admin.get("/portal/alerts?sort=phone");
    assert_eq!(status, 422);
    assert!(refused.contains("cannot be sorted"), "{refused}");
    let (status, refused) = admin.get("/portal/alerts?severity=loud");
    assert_eq!(status, 422);
    assert!(refused.contains("id=\"alert-filters-severity-error\""));

    // The alert's page: the detail as text, the enterprise linked; forms for officers only.
    let page = format!("/portal/alerts/{own}");
    let shown = food.page(&page);
    assert!(
        shown.contains("<dt>scan count</dt><dd>41</dd>") && shown.contains("<li>洛阳</li>"),
        "{shown}"
    );
    assert!(shown.contains(&format!("<a href=\"/portal/enterprises/{ent}\">企业1</a>")));
    assert!(shown.contains("Wrong hidden code") && shown.contains("id=\"acknowledge\""));
    let read_only = mine.page(&page);
    assert!(read_only.contains("<dt>serial</dt>") && !read_only.contains("id=\"acknowledge\""));
    assert!(!admin.page(&page).contains("id=\"close\""));
    assert_refused_page(
        other.client.get(r.app.url(&page)).send().unwrap(),
        404,
        "not_found",
    );
    let refused = assert_refused_page(
        drugs.client.get(r.app.url(&page)).send().unwrap(),
        403,
        "outside_jurisdiction",
    );
    assert!(refused.contains("outside your department's jurisdiction"));
    assert_refused_page(
        food.client
            .get(r.app.url("/portal/alerts/999999"))
            .send()
            .unwrap(),
        404,
        "not_found",
    );
}

#[test]
fn the_competent_officer_acknowledges_and_closes_through_the_forms() {
    let r = Registry::new();
    r.officer("zz-food", "410100", &["food"]);
    r.officer("ly-food", "410300", &["food"]);
    let (ent, _) = r.register(1, "410102", &["food"]);
    let id = raise(
        &r,
        "stamp.scan_limit",
        Severity::Critical,
        "410102",
        Some(Category::Food),
        Some(ent),
    );
    let page = format!("/portal/alerts/{id}");
    let acknowledge = format!("{page}/acknowledge");
    let close = format!("{page}/close");
    let food = Visitor::signed_in(&r.app, "zz-food");
    let stranger = Visitor::signed_in(&r.app, "ly-food");
    let admin = Visitor::signed_in(&r.app, "root");
    let mine = Visitor::signed_in(&r.app, "ent1");

    // Refused before anything is written: another jurisdiction, the wrong roles, no token.
    let token = csrf_of(&stranger.page("/portal/alerts"));
    let refused = stranger.post_with_token(&acknowledge, &token, &[("note", "mine?")]);
    assert_refused_page(refused, 403, "outside_jurisdiction");
    let token = csrf_of(&admin.page(&page));
    assert_refused_page(
        admin.post_with_token(&close, &token, &[("note", "x")]),
        403,
        "forbidden",
    );
    let token = csrf_of(&mine.page(&page));
    assert_refused_page(
        mine.post_with_token(&close, &token, &[("note", "x")]),
        403,
        "forbidden",
    );
    assert_refused_page(
        food.post_without_token(&acknowledge, &[("note", "x")]),
        403,
        "csrf_missing",
    );
    assert!(alert_audit(&r).is_empty(), "a refusal writes nothing");

    // The note is required: the error sits next to it, with the form kept.
    let blank = food.submit(&page, &acknowledge, &[("note", "  ")]);
    assert_eq!(blank.status(), 422);
    let shown = blank.text().unwrap();
    assert!(
        shown.contains("id=\"acknowledge-note-error\"") && shown.contains("aria-invalid=\"true\""),
        "{shown}"
    );
    assert!(alert_audit(&r).is_empty());

    let taken = food.submit(&page, &acknowledge, &[("note", "inspecting the shop")]);
    assert_eq!(taken.status(), 303);
    assert_eq!(location(&taken), page);
    let shown = food.page(&page);
    assert!(shown.contains("Alert acknowledged.") && shown.contains("Acknowledged"));
    assert!(shown.contains("inspecting the shop") && shown.contains("user:zz-food"));
    assert!(!shown.contains("id=\"acknowledge\"") && shown.contains("id=\"close\""));
    // A stale second acknowledgement is refused on the page, not lost.
    let stale = food.post_with_token(
        &acknowledge,
        &csrf_of(&shown),
        &[("note", "inspecting again")],
    );
    assert_eq!(stale.status(), 409);
    assert!(
        stale
            .text()
            .unwrap()
            .contains("The alert is not open any more.")
    );

    let closed = food.submit(&page, &close, &[("note", "counterfeits seized")]);
    assert_eq!(closed.status(), 303);
    let shown = food.page(&page);
    assert!(shown.contains("Alert closed.") && shown.contains("counterfeits seized"));
    assert!(
        !shown.contains("id=\"close\""),
        "a closed alert has no form"
    );
    assert!(mine.page(&page).contains("counterfeits seized"));

    let target = format!("alert:{id}");
    let who = "user:zz-food".to_owned();
    assert_eq!(
        alert_audit(&r),
        [
            (who.clone(), "alert.acknowledge".to_owned(), target.clone()),
            (who, "alert.close".to_owned(), target)
        ]
    );
    let api = body(r.get(&r.admin, &format!("/api/v1/alerts/{id}")));
    assert_eq!(
        (api["status"].as_str(), api["note"].as_str()),
        (Some("closed"), Some("counterfeits seized"))
    );
}

#[test]
fn refusals_of_portal_routes_are_pages_of_the_frame() {
    let r = Registry::new();
    let officer_token = r.officer("zz-food", "410100", &["food"]);
    r.register(1, "410102", &["food"]);
    let officer = Visitor::signed_in(&r.app, "zz-food");

    // A role the route does not admit: the page of the frame, the officer's navigation in it.
    let page = assert_refused_page(
        officer
            .client
            .get(r.app.url("/portal/admin/users"))
            .send()
            .unwrap(),
        403,
        "forbidden",
    );
    assert!(page.contains("Not allowed") && page.contains("href=\"/portal/alerts\""));
    assert!(
        page.contains("zz-food (Officer)"),
        "who is signed in: {page}"
    );

    // Missing and forged CSRF tokens, signed in and not.
    let form = [("locale", "vi")];
    assert_refused_page(
        officer.post_without_token("/portal/account/locale", &form),
        403,
        "csrf_missing",
    );
    let forged = assert_refused_page(
        officer.post_with_token(
            "/portal/account/locale",
            "forged-token-forged-token-forged!",
            &form,
        ),
        403,
        "csrf_invalid",
    );
    assert!(forged.contains("Reload the page"));
    let anonymous = Visitor::anonymous(&r.app);
    let page = assert_refused_page(
        anonymous.post_without_token("/portal/login", &[("username", "x")]),
        403,
        "csrf_missing",
    );
    assert!(
        page.contains("href=\"/portal/login\""),
        "the signed-out frame"
    );

    // In the language of the person.
    let enterprise = Visitor::signed_in(&r.app, "ent1");
    enterprise
        .client
        .get(r.app.url("/portal/lang/zh-CN?next=/portal"))
        .send()
        .unwrap();
    let page = assert_refused_page(
        enterprise
            .client
            .get(r.app.url("/portal/blacklist"))
            .send()
            .unwrap(),
        403,
        "forbidden",
    );
    assert!(
        page.contains("无权操作") && page.contains("lang=\"zh-CN\""),
        "{page}"
    );

    // API routes keep their JSON errors.
    assert_error(r.get(&officer_token, "/api/v1/users"), 403, "forbidden");
    let api = officer
        .client
        .post(r.app.url("/api/v1/auth/logout"))
        .send()
        .unwrap();
    assert!(
        api.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    assert_error(api, 403, "csrf_missing");
}

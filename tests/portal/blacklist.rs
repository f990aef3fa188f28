//! The blacklist in the portal over HTTP: an officer of the competent department proposes a
//! listing from the enterprise's page and a second officer approves it there (the proposer
//! cannot; a proposal may be rejected), the listing is removed from its own page, errors shown
//! next to the field they name; officers of another department cannot; the reviewers' list;
//! and the public page
//! `/blacklist`, open to anyone, in the three languages, with the published fields only.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use chrono::{Days, Months};
use diesel::prelude::*;
use registry::schema::blacklist;
use tracehub_tests::body;
use tracehub_tests::fixtures::{Registry, uscc};
use tracehub_tests::portal::{Visitor, assert_refused_page, csrf_of, location};

const DECISION: &str = "豫市监罚〔2026〕12号";
const REASON: &str = "生产销售假冒伪劣食品";
const BASIS: &str = "《市场监督管理严重违法失信名单管理办法》第二条";

/// The proposal form's fields.
fn listing<'a>(penalty: &'a str, decision: &'a str) -> [(&'static str, &'a str); 4] {
    [
        ("penalty", penalty),
        ("decision_number", decision),
        ("legal_basis", BASIS),
        ("reason", REASON),
    ]
}

/// The id of the pending proposal shown on `page`.
fn proposal_on(page: &str) -> i64 {
    let at = page.find("data-proposal=\"").expect("a pending proposal") + 15;
    page[at..].split('"').next().unwrap().parse().unwrap()
}

/// Approves the proposal on enterprise `ent`'s page as `second`; returns the listing's page.
fn approve(second: &Visitor, ent: i64) -> String {
    let overview = format!("/portal/enterprises/{ent}");
    let id = proposal_on(&second.page(&overview));
    let approved = second.submit(
        &overview,
        &format!("/portal/blacklist/proposals/{id}/approve"),
        &[],
    );
    assert_eq!(approved.status(), 303);
    location(&approved)
}

/// Moves a listing's `removable_from` to yesterday (a year has passed).
fn a_year_later(r: &Registry, id: i64) {
    let yesterday = r.app.today() - Days::new(1);
    diesel::update(blacklist::table.find(id))
        .set(blacklist::removable_from.eq(yesterday))
        .execute(&mut r.app.test_db().raw())
        .unwrap();
}

#[test]
fn the_competent_officer_lists_and_removes_through_the_forms() {
    let r = Registry::new();
    r.officer("zz-food", "410100", &["food"]);
    r.officer("zz-drugs", "410100", &["drugs"]);
    let (ent, _) = r.register(1, "410102", &["food"]);
    let officer = Visitor::signed_in(&r.app, "zz-food");
    let drugs = Visitor::signed_in(&r.app, "zz-drugs");
    let enterprise = Visitor::signed_in(&r.app, "ent1");
    let overview = format!("/portal/enterprises/{ent}");
    let action = format!("{overview}/blacklist");

    // Only the competent department sees the form, and only it may post it.
    let page = officer.page(&overview);
    assert!(page.contains("id=\"blacklist\"") && page.contains("Licence revoked"));
    assert!(!enterprise.page(&overview).contains("id=\"blacklist\""));
    let token = csrf_of(&drugs.page("/portal/blacklist"));
    assert_refused_page(
        drugs.post_with_token(&action, &token, &listing("licence_revoked", DECISION)),
        403,
        "outside_jurisdiction",
    );
    let token = csrf_of(&enterprise.page(&overview));
    assert_refused_page(
        enterprise.post_with_token(&action, &token, &listing("licence_revoked", DECISION)),
        403,
        "forbidden",
    );

    // Errors next to the field, with what was typed.
    let blank = officer.submit(&overview, &action, &listing("licence_revoked", " "));
    assert_eq!(blank.status(), 422);
    let shown = blank.text().unwrap();
    assert!(
        shown.contains("id=\"blacklist-decision_number-error\"") && shown.contains(REASON),
        "{shown}"
    );
    let odd = officer.submit(&overview, &action, &listing("warning", DECISION));
    assert_eq!(odd.status(), 422);
    assert!(
        odd.text()
            .unwrap()
            .contains("id=\"blacklist-penalty-error\"")
    );
    assert!(r.audited("blacklist.propose").is_empty());

    // Proposed: the proposer cannot approve; a rejected proposal lists nothing.
    let proposed = officer.submit(&overview, &action, &listing("licence_revoked", DECISION));
    assert_eq!(proposed.status(), 303);
    assert_eq!(location(&proposed), overview);
    let mine = officer.page(&overview);
    assert!(
        mine.contains("id=\"own-proposal\"") && mine.contains(BASIS),
        "{mine}"
    );
    assert!(!mine.contains("/approve\""));
    let first = proposal_on(&mine);
    let refused = officer.post_with_token(
        &format!("/portal/blacklist/proposals/{first}/approve"),
        &csrf_of(&mine),
        &[],
    );
    assert_refused_page(refused, 403, "own_proposal");
    r.colleague("zz-food");
    let second = Visitor::signed_in(&r.app, "zz-food-2");
    let reject = format!("/portal/blacklist/proposals/{first}/reject");
    let no_reason = second.submit(&overview, &reject, &[("reason", " ")]);
    assert_eq!(no_reason.status(), 422);
    assert!(
        no_reason
            .text()
            .unwrap()
            .contains("id=\"proposal-reject-reason-error\"")
    );
    let rejected = second.submit(&overview, &reject, &[("reason", "证据不足")]);
    assert_eq!(rejected.status(), 303);
    assert!(!enterprise.page(&overview).contains("id=\"blacklisted\""));
    assert_eq!(r.audited("blacklist.reject").len(), 1);

    // Proposed again, and approved by the second officer.
    let proposed = officer.submit(&overview, &action, &listing("licence_revoked", DECISION));
    assert_eq!(proposed.status(), 303);
    let page = approve(&second, ent);
    let id: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(r.audited("blacklist.list"), [format!("blacklist:{id}")]);
    let shown = second.page(&page);
    assert!(shown.contains("The enterprise is on the blacklist") && shown.contains(DECISION));
    assert!(shown.contains("user:zz-food-2") && shown.contains("id=\"not-yet-removable\""));
    assert!(shown.contains(BASIS));
    let removable = (r.app.today() + Months::new(12)).to_string();
    assert!(shown.contains(&removable), "removable_from is shown");
    assert!(!shown.contains("id=\"removal\""), "not before a year");
    assert!(
        !drugs.page(&page).contains("id=\"not-yet-removable\""),
        "other departments read the record, without the removal"
    );

    // The enterprise's page says so; a stale second listing is refused on it.
    let dashboard = enterprise.page(&overview);
    assert!(dashboard.contains("id=\"blacklisted\"") && dashboard.contains(REASON));
    let again = officer.post_with_token(
        &action,
        &csrf_of(&officer.page(&overview)),
        &listing("licence_revoked", DECISION),
    );
    assert_eq!(again.status(), 409);
    assert!(again.text().unwrap().contains("on the blacklist already"));
    let list = officer.page("/portal/blacklist");
    assert!(list.contains(&format!("data-listing=\"{id}\"")) && list.contains("企业1"));

    // Removal: not before a year, then with both confirmations and a reason.
    let remove = format!("{page}/remove");
    let fields = [
        ("reason", "处罚已履行完毕"),
        ("penalties_fulfilled", "true"),
        ("no_new_heavy_penalty", "true"),
    ];
    let early = officer.submit(&page, &remove, &fields);
    assert_eq!(early.status(), 409);
    assert!(early.text().unwrap().contains("one year after listing"));
    a_year_later(&r, id);
    assert!(officer.page(&page).contains("id=\"removal\""));
    let unconfirmed = officer.submit(&page, &remove, &fields[..2]);
    assert_eq!(unconfirmed.status(), 422);
    let shown = unconfirmed.text().unwrap();
    assert!(
        shown.contains("id=\"removal-no_new_heavy_penalty-error\"")
            && shown.contains("处罚已履行完毕"),
        "{shown}"
    );
    let no_reason = officer.submit(&page, &remove, &[("reason", ""), fields[1], fields[2]]);
    assert_eq!(no_reason.status(), 422);
    assert!(
        no_reason
            .text()
            .unwrap()
            .contains("id=\"removal-reason-error\"")
    );
    let token = csrf_of(&drugs.page(&page));
    assert_refused_page(
        drugs.post_with_token(&remove, &token, &fields),
        403,
        "outside_jurisdiction",
    );
    assert!(r.audited("blacklist.remove").is_empty());

    let removed = officer.submit(&page, &remove, &fields);
    assert_eq!(removed.status(), 303);
    let shown = officer.page(&page);
    assert!(shown.contains("The listing is removed") && shown.contains("处罚已履行完毕"));
    assert!(shown.contains("badge listing-removed") && !shown.contains("id=\"removal\""));
    assert_eq!(r.audited("blacklist.remove"), [format!("blacklist:{id}")]);
    assert!(!officer.page("/portal/blacklist").contains("企业1"));
    assert!(
        officer
            .page("/portal/blacklist?include_removed=1")
            .contains("企业1")
    );
    let api = body(r.get(&r.admin, &format!("/api/v1/blacklist/{id}")));
    assert_eq!(api["removed_by"], "user:zz-food");
    assert_refused_page(
        enterprise.client.get(r.app.url(&page)).send().unwrap(),
        403,
        "forbidden",
    );
}

#[test]
fn the_public_page_shows_only_the_published_fields() {
    let r = Registry::new();
    r.officer("zz-food", "410100", &["food"]);
    let (ent, _) = r.register(1, "410102", &["food"]);
    r.register(2, "410102", &["food"]);
    r.colleague("zz-food");
    let officer = Visitor::signed_in(&r.app, "zz-food");
    let second = Visitor::signed_in(&r.app, "zz-food-2");
    let overview = format!("/portal/enterprises/{ent}");
    let proposed = officer.submit(
        &overview,
        &format!("{overview}/blacklist"),
        &listing("licence_revoked", DECISION),
    );
    assert_eq!(proposed.status(), 303);
    let id: i64 = approve(&second, ent)
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();

    let visitor = Visitor::anonymous(&r.app);
    assert!(
        visitor
            .page("/portal/login")
            .contains("href=\"/blacklist\"")
    );
    let public = visitor.page("/blacklist");
    let today = r.app.today().to_string();
    for published in [
        "企业1",
        &uscc("410102", 1),
        "Licence revoked",
        DECISION,
        BASIS,
        REASON,
        &today,
    ] {
        assert!(public.contains(published), "{published}: {public}");
    }
    let removable = (r.app.today() + Months::new(12)).to_string();
    for unpublished in ["user:zz-food", "zz-food", &removable, "企业2", "csrf_token"] {
        assert!(
            !public.contains(unpublished),
            "{unpublished} is not published"
        );
    }
    assert!(public.contains("1 enterprises listed"));

    // In the visitor's language, the switch coming back to the public page.
    let switched = visitor
        .client
        .get(r.app.url("/portal/lang/zh-CN?next=/blacklist"))
        .send()
        .unwrap();
    assert_eq!(location(&switched), "/blacklist");
    let chinese = visitor.page("/blacklist");
    assert!(chinese.contains("严重失信主体名单") && chinese.contains("吊销许可证"));
    visitor
        .client
        .get(r.app.url("/portal/lang/vi?next=/blacklist"))
        .send()
        .unwrap();
    assert!(visitor.page("/blacklist").contains("Tước giấy phép"));

    // A removed listing is no longer published.
    a_year_later(&r, id);
    let page = format!("/portal/blacklist/{id}");
    let removed = officer.submit(
        &page,
        &format!("{page}/remove"),
        &[
            ("reason", "处罚已履行完毕"),
            ("penalties_fulfilled", "true"),
            ("no_new_heavy_penalty", "true"),
        ],
    );
    assert_eq!(removed.status(), 303);
    let public = visitor.page("/blacklist");
    assert!(!public.contains("企业1") && public.contains("Danh sách trống."));
}

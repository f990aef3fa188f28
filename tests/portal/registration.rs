//! Self-registration through the form and the review from the queue.

use super::*;

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

//! Recall cases in the portal over HTTP, over the scene of `tracehub_tests::recall` (a farm in
//! Luoyang, a processor in Zhengzhou shipping to Viet Nam): the officer opens a case from the
//! recall report of a lot and sees its parties; each party acknowledges and reports per lot;
//! the officer closes it behind the effectiveness check; the public page lists it while open
//! and not after; an enterprise asks and the department approves; a complaint through the
//! public form becomes an alert; every page in the three languages; roles without access are
//! refused.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use reqwest::blocking::Response;
use serde_json::json;
use tracehub_tests::body;
use tracehub_tests::fixtures::Registry;
use tracehub_tests::portal::{Visitor, assert_refused_page, csrf_of, location};
use tracehub_tests::recall::{Scene, created, scene};

const TIP: &str = "请停止食用，凭包装退货";

fn encoded(value: &str) -> String {
    serde_urlencoded::to_string([("lot", value)]).unwrap()
}

/// The case's id from the redirect to its page.
fn case_id(response: &Response) -> i64 {
    location(response)
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The opening form's fields for `lots`.
fn opening(lots: &str) -> Vec<(&'static str, String)> {
    vec![
        ("lots", lots.to_owned()),
        ("hazard_class", "I".into()),
        ("reason", "黄曲霉毒素超标".into()),
        ("consumer_tip", TIP.into()),
        ("return_to", "购买门店".into()),
    ]
}

fn pairs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Opens a case over lot A1 through the API.
fn opened_by_api(s: &Scene) -> i64 {
    let new = json!({ "lots": [s.a1], "hazard_class": "I", "reason": "黄曲霉毒素超标",
        "consumer_tip": TIP, "return_to": "购买门店" });
    created(s.r.post(Some(&s.ly), "/api/v1/recalls", new))["case"]["id"]
        .as_i64()
        .unwrap()
}

fn verdict(s: &Scene) -> String {
    let path = format!("/01/{}/10/A1/21/{}", s.farm_gtin, s.serial);
    let response =
        s.r.app
            .client()
            .get(s.r.app.url(&path))
            .header("accept", "application/json")
            .send()
            .unwrap();
    body(response)["verdict"].as_str().unwrap().to_owned()
}

#[test]
fn a_case_from_the_recall_page_to_closure() {
    let s = scene(Registry::new());
    let r = &s.r;
    let officer = Visitor::signed_in(&r.app, "officer-ly");
    let other = Visitor::signed_in(&r.app, "officer-zz");
    let farm = Visitor::signed_in(&r.app, "ent1");
    let processor = Visitor::signed_in(&r.app, "ent2");
    let public = Visitor::anonymous(&r.app);

    // From the recall report of the lot to the opening form, the lot carried over.
    let report = officer.page(&format!("/portal/recall?{}", encoded(&s.a1)));
    let link = format!("/portal/recalls/new?{}", encoded(&s.a1)).replace('&', "&amp;");
    assert!(
        report.contains("id=\"open-case\"") && report.contains(&link),
        "{report}"
    );
    assert!(
        !farm
            .page(&format!("/portal/recall?{}", encoded(&s.a1)))
            .contains("id=\"open-case\"")
    );
    let new = format!("/portal/recalls/new?{}", encoded(&s.a1));
    let form = officer.page(&new);
    assert!(form.contains(&s.a1), "{form}");

    // Refusals: a malformed lot next to its field, another department, an enterprise.
    let bad = officer.submit(
        &new,
        "/portal/recalls",
        &pairs(&opening("urn:epc:id:sscc:6901234.0000000001")),
    );
    assert_eq!(bad.status(), 422);
    let shown = bad.text().unwrap();
    assert!(
        shown.contains("id=\"recall-open-lots-error\"") && shown.contains(TIP),
        "{shown}"
    );
    let token = csrf_of(&other.page("/portal/recalls"));
    assert_refused_page(
        other.post_with_token("/portal/recalls", &token, &pairs(&opening(&s.a1))),
        403,
        "outside_jurisdiction",
    );
    let token = csrf_of(&farm.page("/portal/recalls"));
    assert_refused_page(
        farm.post_with_token("/portal/recalls", &token, &pairs(&opening(&s.a1))),
        403,
        "forbidden",
    );
    assert!(r.audited("recall.open").is_empty());

    // Opened: the parties on the case's page, the list, the public page, the stamp.
    let opened = officer.submit(&new, "/portal/recalls", &pairs(&opening(&s.a1)));
    assert_eq!(opened.status(), 303);
    let id = case_id(&opened);
    let page = format!("/portal/recalls/{id}");
    let shown = officer.page(&page);
    assert!(shown.contains("The recall case is open"), "flash: {shown}");
    for party in [s.farm, s.processor] {
        assert!(
            shown.contains(&format!("data-party=\"{party}\"")),
            "{party}: {shown}"
        );
    }
    assert!(
        shown.contains("企业1") && shown.contains("企业2") && shown.contains("data-lot=\"C1\"")
    );
    assert!(shown.contains("id=\"recall-close\"") && shown.contains("id=\"recall-rescope\""));
    assert!(shown.contains(&format!("/api/v1/recalls/{id}/report.pdf")));
    assert!(
        !other.page(&page).contains("id=\"recall-close\""),
        "not the department in charge"
    );
    let list = officer.page("/portal/recalls");
    assert!(
        list.contains(&format!("data-case=\"{id}\"")) && list.contains("0 / 2"),
        "{list}"
    );
    let listed = public.page("/recalls");
    assert!(
        listed.contains(&format!("id=\"case-{id}\"")) && listed.contains(TIP),
        "{listed}"
    );
    assert_eq!(verdict(&s), "recalled");
    let csv = officer
        .client
        .get(r.app.url(&format!("/api/v1/recalls/{id}/report.csv")))
        .send()
        .unwrap();
    assert_eq!(csv.status(), 200);

    // A party sees only its own, acknowledges, then reports per lot.
    let own = processor.page(&page);
    assert!(
        own.contains("id=\"own-party\"") && own.contains("id=\"recall-acknowledge\""),
        "{own}"
    );
    assert!(!own.contains(&format!("data-party=\"{}\"", s.farm)));
    assert!(
        processor
            .page("/portal/recalls")
            .contains(&format!("data-case=\"{id}\""))
    );
    let acked = processor.submit(&page, &format!("{page}/acknowledge"), &[]);
    assert_eq!(acked.status(), 303);
    let own = processor.page(&page);
    assert!(
        own.contains("id=\"acknowledged\"") && own.contains("id=\"recall-report\""),
        "{own}"
    );
    let lot_c1 = format!(
        "https://id.gs1.org/01/{}/10/C1",
        tracehub_tests::recall::with_check("0690123400002")
    );
    let line = |held: &str, returned: &str| {
        vec![
            ("lot", lot_c1.clone()),
            ("held", held.to_owned()),
            ("returned", returned.to_owned()),
            ("destroyed", "0".to_owned()),
            ("sold", "0".to_owned()),
            ("uom", "KGM".to_owned()),
            ("note", "退回工厂".to_owned()),
        ]
    };
    let too_much = processor.submit(&page, &format!("{page}/disposals"), &pairs(&line("1", "2")));
    assert_eq!(too_much.status(), 422);
    let shown = too_much.text().unwrap();
    assert!(
        shown.contains("id=\"recall-report-held-error\"") && shown.contains("退回工厂"),
        "{shown}"
    );
    let reported = processor.submit(
        &page,
        &format!("{page}/disposals"),
        &pairs(&line("80", "80")),
    );
    assert_eq!(reported.status(), 303);
    assert!(processor.page(&page).contains("data-reported=\"1\""));
    let token = csrf_of(&officer.page(&page));
    assert_refused_page(
        officer.post_with_token(&format!("{page}/acknowledge"), &token, &[]),
        403,
        "forbidden",
    );

    // Closure: refused while the farm has not answered, and without the confirmation.
    let check = "抽查 3 家门店，未见在售";
    let early = officer.submit(
        &page,
        &format!("{page}/close"),
        &[("effectiveness", check), ("effectiveness_accepted", "true")],
    );
    assert_eq!(early.status(), 409);
    assert!(early.text().unwrap().contains("error-summary"));
    assert!(
        farm.submit(&page, &format!("{page}/acknowledge"), &[])
            .status()
            == 303
    );
    let a1 = vec![
        ("lot", s.a1.clone()),
        ("held", "100".to_owned()),
        ("destroyed", "100".to_owned()),
        ("uom", "KGM".to_owned()),
    ];
    assert_eq!(
        farm.submit(&page, &format!("{page}/disposals"), &pairs(&a1))
            .status(),
        303
    );
    let unconfirmed = officer.submit(&page, &format!("{page}/close"), &[("effectiveness", check)]);
    assert_eq!(unconfirmed.status(), 422);
    let shown = unconfirmed.text().unwrap();
    assert!(
        shown.contains("id=\"recall-close-effectiveness_accepted-error\"") && shown.contains(check),
        "{shown}"
    );
    let token = csrf_of(&farm.page(&page));
    assert_refused_page(
        farm.post_with_token(
            &format!("{page}/close"),
            &token,
            &[("effectiveness", check), ("effectiveness_accepted", "true")],
        ),
        403,
        "forbidden",
    );
    let closed = officer.submit(
        &page,
        &format!("{page}/close"),
        &[("effectiveness", check), ("effectiveness_accepted", "true")],
    );
    assert_eq!(closed.status(), 303);
    let shown = officer.page(&page);
    assert!(
        shown.contains("data-status=\"closed\"") && shown.contains(check),
        "{shown}"
    );
    assert!(!shown.contains("id=\"recall-close\""));
    let listed = public.page("/recalls");
    assert!(
        !listed.contains(&format!("id=\"case-{id}\""))
            && listed.contains("No product is under a recall now.")
    );
    assert_eq!(verdict(&s), "active");
    for action in [
        "recall.open",
        "recall.acknowledge",
        "recall.report",
        "recall.close",
    ] {
        assert!(!r.audited(action).is_empty(), "{action} audited");
    }
    assert_eq!(r.audited("recall.acknowledge").len(), 2);
}

#[test]
fn an_enterprise_asks_through_the_portal_and_the_department_approves() {
    let s = scene(Registry::new());
    let r = &s.r;
    let farm = Visitor::signed_in(&r.app, "ent1");
    let officer = Visitor::signed_in(&r.app, "officer-ly");
    let other = Visitor::signed_in(&r.app, "officer-zz");
    let form = farm.page("/portal/recalls/request");
    assert!(form.contains(&format!("value=\"{}\"", s.a1)), "{form}");
    let ask = |lots: &[&str]| {
        let mut fields: Vec<(&str, &str)> = lots.iter().map(|l| ("lots", *l)).collect();
        fields.extend([
            ("hazard_class", "III"),
            ("reason", "标签错误"),
            ("consumer_tip", "可退换"),
            ("return_to", "原购买处"),
        ]);
        farm.submit(
            "/portal/recalls/request",
            "/portal/recalls/requests",
            &fields,
        )
    };
    let none = ask(&[]);
    assert_eq!(none.status(), 422);
    assert!(
        none.text()
            .unwrap()
            .contains("id=\"recall-request-lots-error\"")
    );
    let asked = ask(&[&s.a1]);
    assert_eq!(asked.status(), 303);
    let id = case_id(&asked);
    let page = format!("/portal/recalls/{id}");
    assert!(farm.page(&page).contains("data-status=\"requested\""));
    assert_eq!(verdict(&s), "active", "not before approval");
    assert!(!other.page(&page).contains("id=\"recall-approve\""));
    let token = csrf_of(&other.page(&page));
    assert_refused_page(
        other.post_with_token(&format!("{page}/approve"), &token, &[]),
        403,
        "outside_jurisdiction",
    );
    let shown = officer.page(&page);
    assert!(shown.contains("id=\"recall-approve\""), "{shown}");
    let approved = officer.submit(&page, &format!("{page}/approve"), &[]);
    assert_eq!(approved.status(), 303);
    assert!(officer.page(&page).contains("data-status=\"open\""));
    assert_eq!(verdict(&s), "recalled");
    let again = officer.post_with_token(
        &format!("{page}/approve"),
        &csrf_of(&officer.page(&page)),
        &[],
    );
    assert_eq!(again.status(), 409);
    assert_eq!(r.audited("recall.approve"), [format!("recall_case:{id}")]);
}

const BOUNDARY: &str = "complaint-boundary-q8Zt";

/// A multipart body: the text fields, then the photo (empty file when `None`).
fn multipart(fields: &[(&str, &str)], photo: Option<&[u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in fields {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    let (filename, bytes) = match photo {
        Some(bytes) => ("pack.png", bytes),
        None => ("", &b""[..]),
    };
    out.extend_from_slice(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"{filename}\"\r\nContent-Type: image/png\r\n\r\n").as_bytes());
    out.extend_from_slice(bytes);
    out.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    out
}

fn post_complaint(visitor: &Visitor<'_>, body: Vec<u8>) -> Response {
    visitor
        .client
        .post(visitor.app.url("/portal/complaints"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .unwrap()
}

#[test]
fn a_complaint_through_the_public_form_becomes_an_alert() {
    let s = scene(Registry::new());
    let r = &s.r;
    let id = opened_by_api(&s);
    let visitor = Visitor::anonymous(&r.app);
    let token = csrf_of(&visitor.page("/recalls"));
    let fields = |gtin: &str| {
        vec![
            ("csrf_token", token.clone()),
            ("stamp", String::new()),
            ("gtin", gtin.to_owned()),
            ("lot", "A1".to_owned()),
            ("description", "吃后腹痛".to_owned()),
            ("contact", "13800000000".to_owned()),
        ]
    };
    let without_token: Vec<(&str, String)> = fields(&s.farm_gtin).into_iter().skip(1).collect();
    let refused = post_complaint(&visitor, multipart(&pairs(&without_token), None));
    assert_eq!(refused.status(), 403);
    let unnamed = post_complaint(&visitor, multipart(&pairs(&fields("")), None));
    assert_eq!(unnamed.status(), 422);
    let shown = unnamed.text().unwrap();
    assert!(
        shown.contains("id=\"complaint-gtin-error\"") && shown.contains("吃后腹痛"),
        "{shown}"
    );
    let photo = b"\x89PNG\r\n\x1a\nphoto";
    let filed = post_complaint(
        &visitor,
        multipart(&pairs(&fields(&s.farm_gtin)), Some(photo)),
    );
    assert_eq!(filed.status(), 303, "{:?}", filed.text());
    assert_eq!(location(&filed), "/portal/complaints");
    assert!(
        visitor
            .page("/portal/complaints")
            .contains("your report was sent")
    );
    let alerts = body(r.get(&s.ly, "/api/v1/alerts"));
    let alert = alerts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "recall.complaint")
        .unwrap();
    assert_eq!(
        alert["severity"], "critical",
        "under an open recall: {alert}"
    );
    let complaints = r.audited("recall.complaint");
    assert_eq!(complaints.len(), 1);
    let _ = id;
}

#[test]
fn recall_pages_answer_in_three_languages_and_refuse_other_roles() {
    let s = scene(Registry::new());
    let r = &s.r;
    let id = opened_by_api(&s);
    let page = format!("/portal/recalls/{id}");
    let officer = Visitor::signed_in(&r.app, "officer-ly");
    let farm = Visitor::signed_in(&r.app, "ent1");
    let public = Visitor::anonymous(&r.app);
    let words = [
        ("en", "Recall cases", "Product recalls"),
        ("zh-CN", "召回案件", "产品召回"),
        ("vi", "Vụ thu hồi", "Thu hồi sản phẩm"),
    ];
    for (tag, cases, recalls) in words {
        for visitor in [&officer, &farm, &public] {
            visitor
                .client
                .get(r.app.url(&format!("/portal/lang/{tag}?next=/portal")))
                .send()
                .unwrap();
        }
        for path in ["/portal/recalls", &page, "/portal/recalls/new"] {
            assert!(officer.page(path).contains(cases), "{tag} {path}");
        }
        for path in ["/portal/recalls", &page, "/portal/recalls/request"] {
            assert!(farm.page(path).contains(cases), "{tag} {path}");
        }
        for path in ["/recalls", "/portal/complaints"] {
            assert!(public.page(path).contains(recalls), "{tag} {path}");
        }
    }
    // Roles without access.
    let (ent3, _) = tracehub_tests::recall::register(r, 3, "410102", "food", "6907777");
    let _ = ent3;
    let stranger = Visitor::signed_in(&r.app, "ent3");
    assert_refused_page(
        stranger.client.get(r.app.url(&page)).send().unwrap(),
        403,
        "not_own_object",
    );
    assert!(
        !stranger
            .page("/portal/recalls")
            .contains(&format!("data-case=\"{id}\""))
    );
    assert_refused_page(
        farm.client
            .get(r.app.url("/portal/recalls/new"))
            .send()
            .unwrap(),
        403,
        "forbidden",
    );
    assert_refused_page(
        officer
            .client
            .get(r.app.url("/portal/recalls/request"))
            .send()
            .unwrap(),
        403,
        "forbidden",
    );
    let (status, _) = public.get("/portal/recalls");
    assert!(status == 401 || status == 303, "{status}");
}

//! Documents in the portal over HTTP: an enterprise uploads through the multipart form (its
//! CSRF token the first part: refused without it, with a forged one or with it after the file,
//! and nothing stored), lists (sorted, paged), downloads, publishes and withdraws; errors next
//! to their field; the size limit as a page; another enterprise gets 404, an officer outside
//! the jurisdiction 403, one inside reads without forms; and the public `/verify` page by hash
//! and by file (hashed, not kept), in the three languages.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use diesel::prelude::*;
use registry::schema::{document_blobs, documents};
use reqwest::blocking::Response;
use serde_json::json;
use sha2::{Digest, Sha256};
use tracehub_tests::body;
use tracehub_tests::fixtures::Registry;
use tracehub_tests::portal::{
    Part, Visitor, assert_refused_page, csrf_of, location, post_multipart,
};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
const ISSUER: &str = "河南省食品检验研究院";

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The upload form's description fields.
fn described<'a>(number: &'a str, valid_to: &'a str, product: &'a str) -> Vec<Part<'a>> {
    vec![
        Part::Text("doc_type", "test_report"),
        Part::Text("issuer", ISSUER),
        Part::Text("number", number),
        Part::Text("valid_from", "2000-01-01"),
        Part::Text("valid_to", valid_to),
        Part::Text("product_id", product),
        Part::Text("batch_id", ""),
    ]
}

/// Uploads through the form as a browser does: the token first, the file last.
fn upload(visitor: &Visitor<'_>, page: &str, fields: Vec<Part<'_>>, file: Part<'_>) -> Response {
    let token = csrf_of(&visitor.page(page));
    let mut parts = vec![Part::Text("csrf_token", &token)];
    parts.extend(fields);
    parts.push(file);
    post_multipart(visitor, page, &parts)
}

fn count(r: &Registry) -> (i64, i64) {
    let conn = &mut r.app.test_db().raw();
    (
        documents::table.count().get_result(conn).unwrap(),
        document_blobs::table.count().get_result(conn).unwrap(),
    )
}

/// An active enterprise `n` in Zhengzhou with a product and a batch: (id, product, batch).
fn enterprise(r: &Registry, n: u32, officer: &str) -> (i64, i64, i64) {
    let (id, token) = r.register(n, "410102", &["food"]);
    r.approve(officer, id);
    let gtin = format!("0690123{n}00001");
    let gtin = format!(
        "{gtin}{}",
        registry::ids::gs1::check_digit(&gtin[1..]).unwrap()
    );
    let product = body(r.post(
        Some(&token),
        &format!("/api/v1/enterprises/{id}/products"),
        json!({ "gtin": gtin, "name": "大米", "category": "food" }),
    ))["id"]
        .as_i64()
        .unwrap();
    let batch = body(r.post(
        Some(&token),
        &format!("/api/v1/enterprises/{id}/batches"),
        json!({ "product_id": product, "lot": "L2026", "production_date": "2026-11-01", "quantity": 10, "unit": "box" }),
    ))["id"]
        .as_i64()
        .unwrap();
    (id, product, batch)
}

fn small_limit() -> Registry {
    Registry::spawn_with(|c| c.documents.max_bytes = 4096)
}

#[test]
fn the_enterprise_uploads_lists_downloads_and_publishes() {
    let r = small_limit();
    let officer = r.officer("zz-food", "410100", &["food"]);
    let (id, product, batch) = enterprise(&r, 1, &officer);
    let me = Visitor::signed_in(&r.app, "ent1");
    let page = format!("/portal/enterprises/{id}/documents");

    // The form: multipart, the token its first input, the product and batch to choose from.
    let html = me.page(&page);
    let form = html.split("<form class=\"card\"").nth(1).unwrap();
    assert!(form.contains("enctype=\"multipart/form-data\""), "{form}");
    assert!(
        form.find("name=\"csrf_token\"").unwrap() < form.find("name=\"doc_type\"").unwrap()
            && form.find("name=\"doc_type\"").unwrap() < form.find("type=\"file\"").unwrap()
    );
    assert!(form.contains("大米") && form.contains("L2026"));

    // Refused as a page, nothing stored: no token, a forged one, the token after the file.
    let before = count(&r);
    let mut parts = described("NO-TOKEN", "2099-12-31", "");
    parts.push(Part::File("r.pdf", "application/pdf", PDF));
    assert_refused_page(post_multipart(&me, &page, &parts), 403, "csrf_missing");
    let mut forged = vec![Part::Text(
        "csrf_token",
        "forged-forged-forged-forged-forged",
    )];
    forged.extend(described("FORGED", "2099-12-31", ""));
    forged.push(Part::File("r.pdf", "application/pdf", PDF));
    assert_refused_page(post_multipart(&me, &page, &forged), 403, "csrf_invalid");
    let token = csrf_of(&me.page(&page));
    let mut late = described("LATE", "2099-12-31", "");
    late.push(Part::File("r.pdf", "application/pdf", PDF));
    late.push(Part::Text("csrf_token", &token));
    assert_refused_page(post_multipart(&me, &page, &late), 403, "csrf_missing");
    assert_eq!(count(&r), before);

    // Errors next to their field, what was typed kept; nothing stored.
    let backwards = upload(
        &me,
        &page,
        described("HN-BAD", "1999-01-01", ""),
        Part::File("r.pdf", "application/pdf", PDF),
    );
    assert_eq!(backwards.status(), 422);
    let shown = backwards.text().unwrap();
    assert!(
        shown.contains("id=\"document-valid_to-error\"") && shown.contains("HN-BAD"),
        "{shown}"
    );
    let html_file = upload(
        &me,
        &page,
        described("HN-HTML", "2099-12-31", ""),
        Part::File("x.html", "text/html", b"<script>alert(1)</script>"),
    );
    assert_eq!(html_file.status(), 422);
    assert!(
        html_file
            .text()
            .unwrap()
            .contains("id=\"document-file-error\"")
    );
    let empty = upload(
        &me,
        &page,
        described("HN-EMPTY", "2099-12-31", ""),
        Part::File("", "application/octet-stream", b""),
    );
    assert_eq!(empty.status(), 422);
    assert!(empty.text().unwrap().contains("id=\"document-file-error\""));
    // Over `documents.max_bytes`: a 413 page.
    assert_refused_page(
        upload(
            &me,
            &page,
            described("HN-BIG", "2099-12-31", ""),
            Part::File("big.pdf", "application/pdf", &[b'x'; 5000]),
        ),
        413,
        "payload_too_large",
    );
    assert_eq!(count(&r), before);

    // Filed: an unlinked certificate that has expired, and a report about the product.
    let expired = upload(
        &me,
        &page,
        vec![
            Part::Text("doc_type", "certificate"),
            Part::Text("issuer", "中国质量认证中心"),
            Part::Text("number", "CQC-2020-7"),
            Part::Text("valid_from", "2000-01-01"),
            Part::Text("valid_to", "2001-01-01"),
            Part::Text("product_id", ""),
            Part::Text("batch_id", ""),
        ],
        Part::File("证书.pdf", "application/pdf", b"%PDF old certificate"),
    );
    assert_eq!(expired.status(), 303);
    let product_id = product.to_string();
    let filed = upload(
        &me,
        &page,
        described("HN-2026-001", "2099-12-31", &product_id),
        Part::File("检验报告.pdf", "application/pdf", PDF),
    );
    assert_eq!(
        (filed.status().as_u16(), location(&filed)),
        (303, page.clone())
    );
    assert_eq!(count(&r).0, before.0 + 2);
    assert_eq!(r.audited("document.file").len(), 2);
    let list = me.page(&page);
    assert!(list.contains("Document uploaded."));
    for shown in [
        "HN-2026-001",
        ISSUER,
        "Test report",
        "Certificate",
        "expired",
        "2099-12-31",
        &format!("{}…", &sha256(PDF)[..12]),
        &format!("{} B", PDF.len()),
        "大米",
    ] {
        assert!(list.contains(shown), "{shown} in {list}");
    }

    // Sorted by number, both ways; an unknown key is refused as a page.
    let ascending = me.page(&format!("{page}?sort=number"));
    assert!(ascending.find("CQC-2020-7").unwrap() < ascending.find("HN-2026-001").unwrap());
    assert!(ascending.contains("aria-sort=\"ascending\""));
    let descending = me.page(&format!("{page}?sort=-number"));
    assert!(descending.find("HN-2026-001").unwrap() < descending.find("CQC-2020-7").unwrap());
    let (status, _) = me.get(&format!("{page}?sort=sha256"));
    assert_eq!(status, 422);

    // Download.
    let ids: Vec<(i64, String)> = documents::table
        .select((documents::id, documents::number))
        .order(documents::id)
        .load(&mut r.app.test_db().raw())
        .unwrap();
    let (certificate, report) = (ids[0].0, ids[1].0);
    let download = me
        .client
        .get(r.app.url(&format!("{page}/{report}/content")))
        .send()
        .unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert_eq!(
        download.headers()["etag"],
        format!("\"{}\"", sha256(PDF)).as_str()
    );
    assert_eq!(download.bytes().unwrap().as_ref(), PDF);

    // Publication: only a linked document offers it, and the rule holds when posted anyway.
    let publish = |doc: i64, published: &str| {
        me.submit(
            &page,
            &format!("{page}/{doc}/publication"),
            &[("published", published)],
        )
    };
    let unlinked = publish(certificate, "true");
    assert_eq!(unlinked.status(), 422);
    assert!(
        unlinked
            .text()
            .unwrap()
            .contains("Only a document about a product or batch can be published.")
    );
    let published = publish(report, "true");
    assert_eq!(published.status(), 303);
    assert!(
        me.page(&page)
            .contains("Document published on its product page.")
    );
    assert_eq!(
        r.audited("document.publish"),
        [format!("document:{report}")]
    );
    let withdrawn = publish(report, "false");
    assert_eq!(withdrawn.status(), 303);
    assert_eq!(
        r.audited("document.withdraw"),
        [format!("document:{report}")]
    );
    assert!(!me.page(&page).contains("class=\"badge published\""));

    // A document about the batch names it.
    let batch_id = batch.to_string();
    let mut about_batch = described("HN-LOT", "2099-12-31", "");
    about_batch[6] = Part::Text("batch_id", &batch_id);
    let filed = upload(
        &me,
        &page,
        about_batch,
        Part::File("lot.txt", "text/plain", b"lot report"),
    );
    assert_eq!(filed.status(), 303);
    assert!(me.page(&page).contains("Lot number L2026"));

    // In Chinese.
    me.client
        .get(r.app.url(&format!("/portal/lang/zh-CN?next={page}")))
        .send()
        .unwrap();
    let chinese = me.page(&page);
    assert!(
        chinese.contains("检验报告") && chinese.contains("已过期") && chinese.contains("上传文件")
    );
}

/// With more batches than the picker offers, the form offers the newest, and a document about
/// an older batch still shows that batch's lot.
#[test]
fn the_pickers_offer_the_newest_batches_and_name_older_ones() {
    use registry::schema::batches;
    let r = Registry::new();
    let officer = r.officer("zz-food", "410100", &["food"]);
    let (id, product, oldest) = enterprise(&r, 1, &officer);
    let me = Visitor::signed_in(&r.app, "ent1");
    let page = format!("/portal/enterprises/{id}/documents");
    let (mut about_oldest, oldest_id) = (described("OLD-1", "2099-12-31", ""), oldest.to_string());
    *about_oldest.last_mut().unwrap() = Part::Text("batch_id", &oldest_id);
    let filed = upload(
        &me,
        &page,
        about_oldest,
        Part::File("r.pdf", "application/pdf", PDF),
    );
    assert_eq!(filed.status(), 303, "{}", filed.text().unwrap());
    // 600 newer batches, written directly (filing them one by one through the API is slow).
    {
        let conn = &mut r.app.test_db().raw();
        let prefix: String = batches::table
            .find(oldest)
            .select(batches::company_prefix)
            .first(conn)
            .unwrap();
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let now = r.app.now();
        conn.transaction(|conn| {
            for n in 1..=600 {
                diesel::insert_into(batches::table)
                    .values((
                        batches::enterprise_id.eq(id),
                        batches::company_prefix.eq(&prefix),
                        batches::product_id.eq(product),
                        batches::lot.eq(format!("N{n:04}")),
                        batches::production_date.eq(day),
                        batches::quantity.eq(1.0),
                        batches::unit.eq("box"),
                        batches::created_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            diesel::QueryResult::Ok(())
        })
        .unwrap();
    }
    let html = me.page(&page);
    let form = html.split("<form class=\"card\"").nth(1).unwrap();
    assert!(form.contains("N0600 · 大米"), "the newest batch is offered");
    assert!(
        !form.contains("N0050 · 大米"),
        "only the newest 500 are offered"
    );
    let listed = html.split("<form class=\"card\"").next().unwrap();
    assert!(
        listed.contains("L2026"),
        "the older batch's lot is named in the list"
    );
}

#[test]
fn others_get_404_and_officers_their_jurisdiction() {
    let r = small_limit();
    let officer = r.officer("zz-food", "410100", &["food"]);
    r.officer("wh-food", "420100", &["food"]);
    let (id, product, _) = enterprise(&r, 1, &officer);
    enterprise(&r, 2, &officer);
    let me = Visitor::signed_in(&r.app, "ent1");
    let page = format!("/portal/enterprises/{id}/documents");
    let filed = upload(
        &me,
        &page,
        described("HN-1", "2099-12-31", &product.to_string()),
        Part::File("r.pdf", "application/pdf", PDF),
    );
    assert_eq!(filed.status(), 303);
    let doc: i64 = documents::table
        .select(documents::id)
        .first(&mut r.app.test_db().raw())
        .unwrap();
    let content = format!("{page}/{doc}/content");

    // Another enterprise: nothing of it exists, and it cannot upload or publish there.
    let other = Visitor::signed_in(&r.app, "ent2");
    assert_eq!(other.get(&page).0, 404);
    assert_eq!(other.get(&content).0, 404);
    let before = count(&r);
    let token = csrf_of(&other.page("/portal"));
    let mut parts = vec![Part::Text("csrf_token", &token)];
    parts.extend(described("INTRUDER", "2099-12-31", ""));
    parts.push(Part::File("r.pdf", "application/pdf", b"%PDF intruder"));
    assert_refused_page(post_multipart(&other, &page, &parts), 404, "not_found");
    assert_eq!(count(&r), before);
    let publish = other.post_with_token(
        &format!("{page}/{doc}/publication"),
        &token,
        &[("published", "true")],
    );
    assert_refused_page(publish, 404, "not_found");

    // The competent officer reads the list and downloads, without the forms.
    let inside = Visitor::signed_in(&r.app, "zz-food");
    let list = inside.page(&page);
    assert!(list.contains("HN-1") && !list.contains("id=\"document\""));
    assert!(!list.contains("/publication"));
    assert_eq!(inside.get(&content).0, 200);
    let token = csrf_of(&inside.page("/portal"));
    let mut parts = vec![Part::Text("csrf_token", &token)];
    parts.extend(described("OFFICER", "2099-12-31", ""));
    parts.push(Part::File("r.pdf", "application/pdf", PDF));
    assert_refused_page(post_multipart(&inside, &page, &parts), 403, "forbidden");

    // An officer of another region: 403.
    let outside = Visitor::signed_in(&r.app, "wh-food");
    let (status, html) = outside.get(&page);
    assert_eq!(status, 403, "{html}");
    assert!(html.contains("data-error=\"outside_jurisdiction\""));
    assert_eq!(outside.get(&content).0, 403);
}

#[test]
fn anyone_verifies_by_hash_or_by_file() {
    let r = small_limit();
    let officer = r.officer("zz-food", "410100", &["food"]);
    let (id, product, _) = enterprise(&r, 1, &officer);
    let me = Visitor::signed_in(&r.app, "ent1");
    let page = format!("/portal/enterprises/{id}/documents");
    let filed = upload(
        &me,
        &page,
        described("HN-2026-001", "2099-12-31", &product.to_string()),
        Part::File("r.pdf", "application/pdf", PDF),
    );
    assert_eq!(filed.status(), 303);
    let hash = sha256(PDF);
    let doc: i64 = documents::table
        .select(documents::id)
        .first(&mut r.app.test_db().raw())
        .unwrap();

    // Linked from the sign-in page; open without signing in.
    let visitor = Visitor::anonymous(&r.app);
    assert!(visitor.page("/portal/login").contains("href=\"/verify\""));
    let form = visitor.page("/verify");
    assert!(form.contains("name=\"sha256\"") && form.contains("type=\"file\""));

    // By hash (upper case accepted): the facts, not the bytes while unpublished.
    let found = visitor.page(&format!("/verify?sha256={}", hash.to_uppercase()));
    for shown in [
        "HN-2026-001",
        ISSUER,
        "Test report",
        "企业1",
        "valid today",
        "not published",
    ] {
        assert!(found.contains(shown), "{shown} in {found}");
    }
    assert!(!found.contains("/content"));
    let (status, unknown) = visitor.get(&format!("/verify?sha256={}", "0".repeat(64)));
    assert_eq!(status, 404);
    assert!(unknown.contains("No such document"));
    let (status, malformed) = visitor.get("/verify?sha256=abc");
    assert_eq!(status, 422);
    assert!(
        malformed.contains("id=\"verify-hash-sha256-error\""),
        "{malformed}"
    );

    // Published: the bytes can be downloaded from the page's link.
    let published = me.submit(
        &page,
        &format!("{page}/{doc}/publication"),
        &[("published", "true")],
    );
    assert_eq!(published.status(), 303);
    let found = visitor.page(&format!("/verify?sha256={hash}"));
    let link = format!("/api/v1/public/documents/{hash}/content");
    assert!(found.contains(&link));
    let bytes = visitor.client.get(r.app.url(&link)).send().unwrap();
    assert_eq!(bytes.bytes().unwrap().as_ref(), PDF);

    // By file: hashed in the hub, not stored, then shown by its hash.
    let before = count(&r);
    let token = csrf_of(&visitor.page("/verify"));
    // The first form (by hash) is a GET without a token; the upload form carries it.
    assert!(!token.is_empty());
    let answer = post_multipart(
        &visitor,
        "/portal/verify",
        &[
            Part::Text("csrf_token", &token),
            Part::File("copy.pdf", "application/pdf", PDF),
        ],
    );
    assert_eq!(
        (answer.status().as_u16(), location(&answer)),
        (303, format!("/verify?sha256={hash}"))
    );
    let strange = post_multipart(
        &visitor,
        "/portal/verify",
        &[
            Part::Text("csrf_token", &token),
            Part::File("other.bin", "application/octet-stream", b"never filed"),
        ],
    );
    assert_eq!(
        location(&strange),
        format!("/verify?sha256={}", sha256(b"never filed"))
    );
    assert_eq!(count(&r), before, "a verified file is not kept");
    assert_refused_page(
        post_multipart(
            &visitor,
            "/portal/verify",
            &[Part::File("copy.pdf", "application/pdf", PDF)],
        ),
        403,
        "csrf_missing",
    );
    assert_refused_page(
        post_multipart(
            &visitor,
            "/portal/verify",
            &[
                Part::Text("csrf_token", &token),
                Part::File("big.pdf", "application/pdf", &[b'x'; 5000]),
            ],
        ),
        413,
        "payload_too_large",
    );

    // In the visitor's language, the switch coming back to the page.
    let switched = visitor
        .client
        .get(r.app.url("/portal/lang/zh-CN?next=/verify"))
        .send()
        .unwrap();
    assert_eq!(location(&switched), "/verify");
    let chinese = visitor.page(&format!("/verify?sha256={hash}"));
    assert!(
        chinese.contains("文件核验")
            && chinese.contains("检验报告")
            && chinese.contains("今日有效")
    );
    visitor
        .client
        .get(r.app.url("/portal/lang/vi?next=/verify"))
        .send()
        .unwrap();
    let (status, vietnamese) = visitor.get(&format!("/verify?sha256={}", "f".repeat(64)));
    assert_eq!(status, 404);
    assert!(
        vietnamese.contains("Xác minh tài liệu") && vietnamese.contains("Không có tài liệu này")
    );
}

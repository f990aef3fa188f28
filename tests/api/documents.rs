//! Documents over HTTP: upload (multipart and raw), download with type and hash, content
//! addressing in the database and in a directory, size limit, nothing half-written, and who
//! sees what (the enterprise its own, departments their jurisdiction, the public what is
//! published).

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use std::path::Path;

use registry::documents::{Storage, published_documents_for_product};
use reqwest::blocking::Response;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tracehub_tests::fixtures::Registry;
use tracehub_tests::{assert_error, body};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A multipart/form-data body: text fields, then the file part.
fn form(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "tracehub-test-boundary-7MA4YWxkTrZu0gW";
    let mut out = Vec::new();
    for (name, value) in fields {
        out.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((filename, content_type, bytes)) = file {
        out.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes());
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), out)
}

const REPORT: &[(&str, &str)] = &[
    ("doc_type", "test_report"),
    ("issuer", "河南省食品检验研究院"),
    ("number", "HN-2026-001"),
    ("valid_from", "2000-01-01"),
    ("valid_to", "2099-12-31"),
];

fn upload(r: &Registry, token: &str, id: i64, fields: &[(&str, &str)], bytes: &[u8]) -> Response {
    let (content_type, body) = form(fields, Some(("检验报告.pdf", "application/pdf", bytes)));
    r.app
        .client()
        .post(r.app.url(&format!("/api/v1/enterprises/{id}/documents")))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .unwrap()
}

fn upload_raw(r: &Registry, token: &str, id: i64, query: &str, bytes: &[u8]) -> Response {
    r.app
        .client()
        .post(
            r.app
                .url(&format!("/api/v1/enterprises/{id}/documents/raw?{query}")),
        )
        .bearer_auth(token)
        .header("content-type", "application/pdf")
        .body(bytes.to_vec())
        .send()
        .unwrap()
}

fn anonymous(r: &Registry, path: &str) -> Response {
    r.app.client().get(r.app.url(path)).send().unwrap()
}

fn count(r: &Registry, table: &str) -> i64 {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(format!("SELECT count(*) AS n FROM {table}"))
        .get_result::<Count>(&mut *r.app.test_db().db().conn().unwrap())
        .unwrap()
        .n
}

/// Files below `dir`, recursively (relative names).
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    out
}

/// An active enterprise with a product, in Zhengzhou, and its token; the officer's token.
fn active_enterprise(r: &Registry, n: u32, officer: &str) -> (i64, String, i64) {
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
    ));
    (id, token, product["id"].as_i64().unwrap())
}

fn check_download(response: Response, bytes: &[u8]) {
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["etag"], format!("\"{}\"", sha256(bytes)).as_str());
    assert_eq!(headers["x-content-sha256"], sha256(bytes).as_str());
    assert!(
        headers["repr-digest"]
            .to_str()
            .unwrap()
            .starts_with("sha-256=:")
    );
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''%E6%A3%80")
    );
    assert_eq!(response.bytes().unwrap().as_ref(), bytes);
}

#[test]
fn documents_are_stored_by_hash_and_downloaded_with_type_and_hash() {
    let r = Registry::new();
    let officer = r.officer("zz-food", "410100", &["food"]);
    let (id, ent, product) = active_enterprise(&r, 1, &officer);
    let created = upload(&r, &ent, id, REPORT, PDF);
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let doc = body(created);
    assert_eq!(doc["sha256"], sha256(PDF));
    assert_eq!(doc["size_bytes"], PDF.len());
    assert_eq!(doc["content_type"], "application/pdf");
    assert_eq!(doc["filename"], "检验报告.pdf");
    assert_eq!(body(r.get(&ent, &location))["id"], doc["id"]);
    check_download(r.get(&ent, &format!("{location}/content")), PDF);

    // The same bytes through the raw variant, about the product: one blob for both.
    let query = format!(
        "doc_type=certificate&issuer=CQC&number=C-1&valid_from=2000-01-01&product_id={product}&published=true&filename=%E6%A3%80.pdf"
    );
    let raw = body(upload_raw(&r, &ent, id, &query, PDF));
    assert_eq!(raw["sha256"], sha256(PDF));
    assert_eq!(raw["published"], true);
    assert_eq!(count(&r, "document_blobs"), 1);
    assert_eq!(count(&r, "documents"), 2);
    let listed = body(r.get(&ent, &format!("/api/v1/enterprises/{id}/documents")));
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(listed[0]["id"], raw["id"], "newest first");
    let issuers = |sort: &str| -> Vec<String> {
        let list = body(r.get(
            &ent,
            &format!("/api/v1/enterprises/{id}/documents?sort={sort}&per_page=10"),
        ));
        list.as_array()
            .unwrap()
            .iter()
            .map(|d| d["issuer"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(issuers("issuer"), ["CQC", "河南省食品检验研究院"]);
    assert_eq!(issuers("-issuer"), ["河南省食品检验研究院", "CQC"]);
    let refused = r.get(
        &ent,
        &format!("/api/v1/enterprises/{id}/documents?sort=sha256"),
    );
    assert_eq!(assert_error(refused, 422, "invalid_sort")["field"], "sort");
    let audit = body(r.get(&r.admin, "/api/v1/audit"));
    let filed = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] == "document.file")
        .count();
    assert_eq!(filed, 2);

    // Missing and malformed fields are named.
    let partial: Vec<(&str, &str)> = REPORT
        .iter()
        .copied()
        .filter(|(k, _)| *k != "issuer")
        .collect();
    assert_eq!(
        assert_error(upload(&r, &ent, id, &partial, PDF), 400, "invalid_field")["field"],
        "issuer"
    );
    let (content_type, no_file) = form(REPORT, None);
    let response = r
        .app
        .client()
        .post(r.app.url(&format!("/api/v1/enterprises/{id}/documents")))
        .bearer_auth(&ent)
        .header("content-type", content_type)
        .body(no_file)
        .send()
        .unwrap();
    assert_eq!(
        assert_error(response, 400, "invalid_field")["field"],
        "file"
    );
    let html = r
        .app
        .client()
        .post(r.app.url(&format!(
            "/api/v1/enterprises/{id}/documents/raw?doc_type=licence&issuer=x&number=1&valid_from=2000-01-01"
        )))
        .bearer_auth(&ent)
        .header("content-type", "text/html")
        .body("<script>alert(1)</script>")
        .send()
        .unwrap();
    assert_eq!(
        assert_error(html, 422, "unsupported_content_type")["field"],
        "content_type"
    );
    assert_eq!(count(&r, "documents"), 2);
}

#[test]
fn the_directory_store_writes_once_and_refused_uploads_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let r = Registry::spawn_with(|c| {
        c.documents.storage = Storage::Directory;
        c.documents.directory = path.to_string_lossy().into_owned();
        c.documents.max_bytes = 4096;
    });
    let officer = r.officer("zz-food", "410100", &["food"]);
    let (id, ent, _) = active_enterprise(&r, 1, &officer);
    let audit_before = body(r.get(&r.admin, "/api/v1/audit"))
        .as_array()
        .unwrap()
        .len();

    // Too large: 413, no row, no file, no audit entry.
    assert_error(
        upload(&r, &ent, id, REPORT, &[b'x'; 5000]),
        413,
        "payload_too_large",
    );
    let huge = upload_raw(
        &r,
        &ent,
        id,
        "doc_type=licence&issuer=x&number=1&valid_from=2000-01-01",
        &[b'x'; 5000],
    );
    assert_error(huge, 413, "payload_too_large");
    // A bad description: refused after the bytes arrived, still nothing kept.
    let mut backwards = REPORT.to_vec();
    backwards.push(("valid_to", "1999-01-01"));
    let error = assert_error(
        upload(&r, &ent, id, &backwards, PDF),
        422,
        "invalid_validity",
    );
    assert_eq!(error["field"], "valid_to");
    assert_eq!(count(&r, "documents"), 0);
    assert!(files(&path).is_empty(), "{:?}", files(&path));
    assert_eq!(
        body(r.get(&r.admin, "/api/v1/audit"))
            .as_array()
            .unwrap()
            .len(),
        audit_before
    );

    let doc = body(upload(&r, &ent, id, REPORT, PDF));
    let hash = sha256(PDF);
    assert_eq!(files(&path), std::slice::from_ref(&hash));
    assert!(path.join(&hash[..2]).join(&hash).is_file());
    let second = body(upload(&r, &ent, id, REPORT, PDF));
    assert_ne!(second["id"], doc["id"]);
    assert_eq!(
        files(&path),
        std::slice::from_ref(&hash),
        "deduplicated, no temporary file left"
    );
    assert_eq!(count(&r, "document_blobs"), 0);
    check_download(
        r.get(&ent, &format!("/api/v1/documents/{}/content", doc["id"])),
        PDF,
    );
}

#[test]
fn who_sees_which_documents() {
    let r = Registry::new();
    let officer = r.officer("zz-food", "410100", &["food"]);
    let outsider = r.officer("ly-food", "410300", &["food"]);
    let (a, ent_a, product_a) = active_enterprise(&r, 1, &officer);
    let (b, ent_b, _) = active_enterprise(&r, 2, &officer);
    let mut fields = REPORT.to_vec();
    let product = product_a.to_string();
    fields.push(("product_id", &product));
    let doc: Value = body(upload(&r, &ent_a, a, &fields, PDF));
    let doc_id = doc["id"].as_i64().unwrap();
    let path = format!("/api/v1/documents/{doc_id}");
    let hash = sha256(PDF);

    // Enterprise B: A's documents do not exist for it, and it cannot upload for A.
    assert_error(r.get(&ent_b, &path), 404, "not_found");
    assert_error(r.get(&ent_b, &format!("{path}/content")), 404, "not_found");
    assert_error(
        r.get(&ent_b, &format!("/api/v1/enterprises/{a}/documents")),
        404,
        "not_found",
    );
    assert_error(upload(&r, &ent_b, a, REPORT, PDF), 404, "not_found");
    assert_error(
        r.patch(&ent_b, &path, json!({ "published": true })),
        404,
        "not_found",
    );
    assert!(
        body(r.get(&ent_b, &format!("/api/v1/enterprises/{b}/documents")))
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Departments: their jurisdiction only; administrators everything.
    assert_eq!(body(r.get(&officer, &path))["id"], doc_id);
    check_download(r.get(&officer, &format!("{path}/content")), PDF);
    assert_error(r.get(&outsider, &path), 403, "outside_jurisdiction");
    assert_error(
        r.get(&outsider, &format!("{path}/content")),
        403,
        "outside_jurisdiction",
    );
    assert_error(
        r.get(&outsider, &format!("/api/v1/enterprises/{a}/documents")),
        403,
        "outside_jurisdiction",
    );
    assert_eq!(body(r.get(&r.admin, &path))["id"], doc_id);
    // The public: anonymous calls to the scoped routes are refused.
    assert_error(anonymous(&r, &path), 401, "unauthenticated");

    // Verification by hash answers the facts without the bytes until published.
    let verified = body(anonymous(&r, &format!("/api/v1/public/documents/{hash}")));
    assert_eq!(verified["documents"][0]["number"], "HN-2026-001");
    assert_eq!(verified["documents"][0]["valid"], true);
    assert_eq!(verified["documents"][0]["published"], false);
    assert!(verified["documents"][0].get("content").is_none());
    let public_content = format!("/api/v1/public/documents/{hash}/content");
    assert_error(anonymous(&r, &public_content), 404, "not_found");
    assert_error(
        anonymous(&r, &format!("/api/v1/public/documents/{}", "0".repeat(64))),
        404,
        "not_found",
    );
    assert_eq!(
        assert_error(
            anonymous(&r, "/api/v1/public/documents/xyz"),
            422,
            "invalid_sha256"
        )["field"],
        "sha256"
    );
    let published = body(r.patch(&ent_a, &path, json!({ "published": true })));
    assert_eq!(published["published"], true);
    check_download(anonymous(&r, &public_content), PDF);
    let on_page =
        published_documents_for_product(&mut r.app.test_db().db().conn().unwrap(), product_a)
            .unwrap();
    assert_eq!(on_page.len(), 1);
    assert_eq!(on_page[0].id, doc_id);
    r.patch(&ent_a, &path, json!({ "published": false }));
    assert_error(anonymous(&r, &public_content), 404, "not_found");
}

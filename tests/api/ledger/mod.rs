//! The evidence ledger end to end: uploads become leaves, signed heads, proofs checked by an
//! independent verifier (`ledger_verify.py`, written from RFC 9162 with nothing but hashlib),
//! signatures checked with openssl against `GET /ledger/key`, a fork caught by a consistency
//! proof, the schedule, bad input, and the customs page (`page.rs`).

mod page;

use std::io::Write;
use std::process::{Command, Stdio};

use hub::ops::{self, Origin};
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::sign::Verifier;
use registry::ledger::{self, LeafInput, LeafKind};
use reqwest::blocking::Response;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tracehub_tests::fixtures::Registry;
use tracehub_tests::{TestApp, assert_error, body};

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Whether the independent verifier accepts `check` (see `ledger_verify.py`).
#[track_caller]
fn independent(check: Value) -> bool {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/api/ledger_verify.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(check.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    match out.status.code() {
        Some(0) => true,
        Some(1) => false,
        _ => panic!(
            "the verifier failed on {check}: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

fn get(app: &TestApp, path: &str) -> Response {
    app.client().get(app.url(path)).send().unwrap()
}

/// Signs a head now, as the schedule or `hub ledger publish` would.
fn publish(app: &TestApp) -> Value {
    let head = ops::ledger::publish(&app.state, &Origin::operator(&app.state))
        .unwrap()
        .expect("the log grew");
    serde_json::to_value(head).unwrap()
}

/// A multipart/form-data body: text fields, then a file part.
fn form(fields: &[(&str, &str)], file: Option<&[u8]>) -> (String, Vec<u8>) {
    let boundary = "tracehub-ledger-boundary-5f7d";
    let mut out = Vec::new();
    for (name, value) in fields {
        out.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some(bytes) = file {
        out.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"report.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes());
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), out)
}

/// An active enterprise of `r`; its id and token.
fn enterprise(r: &Registry, n: u32) -> (i64, String) {
    let officer = r.officer(&format!("ledger{n}"), "410000", &["food"]);
    let (id, token) = r.register(n, "410102", &["food"]);
    r.approve(&officer, id);
    (id, token)
}

fn upload(r: &Registry, id: i64, token: &str, bytes: &[u8]) {
    let (content_type, data) = form(
        &[
            ("doc_type", "certificate_of_origin"),
            ("issuer", "郑州海关"),
            ("number", &sha256(bytes)[..12]),
            ("valid_from", "2026-01-01"),
        ],
        Some(bytes),
    );
    let response = r
        .app
        .client()
        .post(r.app.url(&format!("/api/v1/enterprises/{id}/documents")))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(data)
        .send()
        .unwrap();
    assert_eq!(response.status(), 201);
}

/// The head's signature, checked with openssl against the served key, over the RFC 6962
/// TreeHeadSignature bytes rebuilt here from the head's fields.
fn signature_holds(app: &TestApp, head: &Value) -> bool {
    let response = get(app, "/ledger/key");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-pem-file");
    let key_id = response.headers()["key-id"].to_str().unwrap().to_owned();
    let key = PKey::public_key_from_pem(&response.bytes().unwrap()).unwrap();
    assert_eq!(key_id, sha256(&key.public_key_to_der().unwrap()));
    assert_eq!(head["key_id"], key_id.as_str());
    let mut signed = vec![0u8, 1];
    signed.extend_from_slice(&head["timestamp_ms"].as_u64().unwrap().to_be_bytes());
    signed.extend_from_slice(&head["tree_size"].as_u64().unwrap().to_be_bytes());
    signed.extend_from_slice(&hex::decode(head["root_hash"].as_str().unwrap()).unwrap());
    let mut verifier = Verifier::new(MessageDigest::sha256(), &key).unwrap();
    verifier.update(&signed).unwrap();
    verifier
        .verify(&hex::decode(head["signature"].as_str().unwrap()).unwrap())
        .unwrap_or(false)
}

fn inclusion_holds(leaf_hash: &str, index: i64, size: i64, path: &[String], root: &str) -> bool {
    independent(
        json!({ "check": "inclusion", "leaf_hash": leaf_hash, "leaf_index": index,
        "tree_size": size, "path": path, "root": root }),
    )
}

#[test]
fn uploads_become_leaves_whose_proofs_an_independent_verifier_accepts() {
    let r = Registry::new();
    let (id, token) = enterprise(&r, 1);
    let files: Vec<Vec<u8>> = (0..5)
        .map(|i| format!("%PDF certificate {i}").into_bytes())
        .collect();
    for file in &files {
        upload(&r, id, &token, file);
    }
    upload(&r, id, &token, &files[2]);
    assert_error(get(&r.app, "/ledger/heads/latest"), 404, "not_found");

    let head = publish(&r.app);
    assert_eq!(head["tree_size"], 5);
    assert_eq!(body(get(&r.app, "/ledger/heads/latest")), head);
    assert_eq!(body(get(&r.app, "/ledger/heads/5")), head);
    assert_eq!(body(get(&r.app, "/ledger/heads")), json!([head]));
    assert!(signature_holds(&r.app, &head));
    assert_eq!(r.audited("ledger.publish"), ["ledger_head:5"]);
    let root = head["root_hash"].as_str().unwrap();

    // The leaves as an auditor reads them: each hash is SHA-256(0x00 || leaf), the leaf holds
    // the document's hash, and their MTH is the signed root.
    let leaves = body(get(&r.app, "/ledger/leaves?start=0&limit=100"));
    let leaves = leaves.as_array().unwrap();
    assert_eq!(leaves.len(), 5);
    let hashes: Vec<&str> = leaves
        .iter()
        .map(|l| l["leaf_hash"].as_str().unwrap())
        .collect();
    assert!(independent(
        json!({ "check": "root", "leaf_hashes": hashes, "root": root })
    ));
    for (i, (leaf, file)) in leaves.iter().zip(&files).enumerate() {
        assert_eq!(leaf["leaf_index"], i);
        assert_eq!(leaf["sha256"], sha256(file));
        assert_eq!(leaf["kind"], "document");
        assert!(
            leaf["filed_by"].as_str().unwrap().ends_with(" 企业1"),
            "{leaf}"
        );
        let bytes = hex::decode(leaf["leaf"].as_str().unwrap()).unwrap();
        assert_eq!((bytes[0], hex::encode(&bytes[1..33])), (0, sha256(file)));
        assert!(independent(
            json!({ "check": "leaf", "leaf": leaf["leaf"], "leaf_hash": leaf["leaf_hash"] })
        ));

        let proof = body(get(
            &r.app,
            &format!("/ledger/proof/inclusion?leaf_index={i}&tree_size=5"),
        ));
        assert_eq!(proof["root_hash"], root);
        let path = strings(&proof["audit_path"]);
        assert!(
            inclusion_holds(hashes[i], i as i64, 5, &path, root),
            "leaf {i}"
        );
        let mut tampered = path.clone();
        let flipped = if tampered[0].starts_with("00") {
            "01"
        } else {
            "00"
        };
        tampered[0].replace_range(..2, flipped);
        assert!(!inclusion_holds(hashes[i], i as i64, 5, &tampered, root));
        assert!(!inclusion_holds(
            hashes[(i + 1) % 5],
            i as i64,
            5,
            &path,
            root
        ));
    }

    // Yes or no in one request, by hash, by file (multipart or raw): with the proof and head.
    let by_hash = body(r.post(
        None,
        "/ledger/verify",
        json!({ "sha256": sha256(&files[3]).to_uppercase() }),
    ));
    let (content_type, data) = form(&[], Some(&files[3]));
    let by_form = body(
        r.app
            .client()
            .post(r.app.url("/ledger/verify"))
            .header("content-type", content_type)
            .body(data)
            .send()
            .unwrap(),
    );
    let by_raw = body(
        r.app
            .client()
            .post(r.app.url("/ledger/verify"))
            .header("content-type", "application/octet-stream")
            .body(files[3].clone())
            .send()
            .unwrap(),
    );
    for answer in [&by_hash, &by_form, &by_raw] {
        assert_eq!(answer["found"], true, "{answer}");
        assert_eq!(
            (
                answer["leaf_index"].as_i64(),
                answer["proof_verified"].as_bool()
            ),
            (Some(3), Some(true))
        );
        assert_eq!(answer["head"], head);
        assert!(answer["filed_by"].as_str().unwrap().contains("企业1"));
        assert!(inclusion_holds(
            hashes[3],
            3,
            5,
            &strings(&answer["proof"]),
            root
        ));
    }
    let unknown = body(r.post(
        None,
        "/ledger/verify",
        json!({ "sha256": sha256(b"never filed") }),
    ));
    assert_eq!(
        (unknown["found"].as_bool(), unknown["proof"].is_null()),
        (Some(false), true)
    );
    assert_eq!(unknown["head"], head);

    // The log grows; the new head is consistent with the old, and a leaf after a head waits.
    for i in 5..8 {
        upload(&r, id, &token, format!("%PDF certificate {i}").as_bytes());
    }
    let pending = body(r.post(
        None,
        "/ledger/verify",
        json!({ "sha256": sha256(b"%PDF certificate 6") }),
    ));
    assert_eq!(
        (pending["found"].as_bool(), pending["leaf_index"].as_i64()),
        (Some(true), Some(6))
    );
    assert!(
        pending["proof"].is_null() && pending["head"] == head,
        "{pending}"
    );
    let newer = publish(&r.app);
    assert_eq!(newer["tree_size"], 8);
    assert!(signature_holds(&r.app, &newer));
    let proof = body(get(&r.app, "/ledger/proof/consistency?first=5&second=8"));
    let check = |first_root: &str| {
        independent(
            json!({ "check": "consistency", "first": 5, "second": 8, "first_root": first_root,
            "second_root": newer["root_hash"], "path": proof["consistency_path"] }),
        )
    };
    assert!(check(root));
    assert!(!check(&sha256(b"another log")));
    let old = body(r.post(
        None,
        "/ledger/verify?tree_size=5",
        json!({ "sha256": sha256(&files[1]) }),
    ));
    assert_eq!(old["head"], head);
    assert!(inclusion_holds(
        hashes[1],
        1,
        5,
        &strings(&old["proof"]),
        root
    ));
    assert_eq!(body(get(&r.app, "/ledger/heads?after=5")), json!([newer]));
}

#[test]
fn a_head_that_does_not_extend_an_earlier_one_fails_the_consistency_check() {
    // The mirror saw hub A's head of 3 leaves. Hub B serves a log whose third leaf differs (as a
    // rewritten log would): its own proofs hold, but not against the head the mirror kept.
    let (a, b) = (TestApp::spawn(), TestApp::spawn());
    let contents: Vec<String> = (0..5)
        .map(|i| sha256(format!("doc {i}").as_bytes()))
        .collect();
    let forged = sha256(b"forged doc 2");
    let append = |app: &TestApp, hashes: &[&String]| {
        let mut conn = app.test_db().db().conn().unwrap();
        for hash in hashes {
            let input = LeafInput {
                sha256: hash,
                kind: LeafKind::Document,
                filed_by: "91410102MA0000000X 企业",
            };
            ledger::append(&mut conn, app.now(), &input).unwrap();
        }
    };
    append(&a, &contents.iter().take(3).collect::<Vec<_>>());
    let kept = publish(&a);
    append(&a, &contents.iter().skip(3).collect::<Vec<_>>());
    let grown = publish(&a);
    append(
        &b,
        &[
            &contents[0],
            &contents[1],
            &forged,
            &contents[3],
            &contents[4],
        ],
    );
    let fork = publish(&b);
    assert_eq!(
        (
            kept["tree_size"].as_i64(),
            grown["tree_size"].as_i64(),
            fork["tree_size"].as_i64()
        ),
        (Some(3), Some(5), Some(5))
    );

    let consistent = |app: &TestApp, first_root: &Value, second_root: &Value| {
        let proof = body(get(app, "/ledger/proof/consistency?first=3&second=5"));
        independent(
            json!({ "check": "consistency", "first": 3, "second": 5, "first_root": first_root,
            "second_root": second_root, "path": proof["consistency_path"] }),
        )
    };
    assert!(
        consistent(&a, &kept["root_hash"], &grown["root_hash"]),
        "A grew"
    );
    assert!(
        !consistent(&b, &kept["root_hash"], &fork["root_hash"]),
        "B is a fork of A"
    );
    let b_at_3 = body(get(&b, "/ledger/proof/consistency?first=3&second=5"))["first_root"].clone();
    assert!(
        consistent(&b, &b_at_3, &fork["root_hash"]),
        "B is consistent with itself"
    );
    assert_ne!(b_at_3, kept["root_hash"]);
}

#[test]
fn bad_input_is_a_4xx_naming_the_field() {
    let app = TestApp::spawn();
    {
        let mut conn = app.test_db().db().conn().unwrap();
        for i in 0..3u8 {
            let hash = sha256(&[i]);
            let input = LeafInput {
                sha256: &hash,
                kind: LeafKind::Document,
                filed_by: "x",
            };
            ledger::append(&mut conn, app.now(), &input).unwrap();
        }
    }
    publish(&app);
    let field = |response: Response, status: u16, code: &str| {
        assert_error(response, status, code)["field"].clone()
    };
    assert_error(
        get(&app, "/ledger/proof/inclusion?leaf_index=abc&tree_size=3"),
        400,
        "invalid_query",
    );
    assert_error(
        get(&app, "/ledger/proof/inclusion?tree_size=3"),
        400,
        "invalid_query",
    );
    assert_eq!(
        field(
            get(&app, "/ledger/proof/inclusion?leaf_index=0&tree_size=0"),
            422,
            "invalid_tree_size"
        ),
        "tree_size"
    );
    assert_eq!(
        field(
            get(&app, "/ledger/proof/inclusion?leaf_index=0&tree_size=4"),
            422,
            "invalid_tree_size"
        ),
        "tree_size"
    );
    assert_eq!(
        field(
            get(&app, "/ledger/proof/inclusion?leaf_index=3&tree_size=3"),
            422,
            "invalid_leaf_index"
        ),
        "leaf_index"
    );
    assert_eq!(
        field(
            get(&app, "/ledger/proof/inclusion?leaf_index=-1&tree_size=3"),
            422,
            "invalid_leaf_index"
        ),
        "leaf_index"
    );
    assert_eq!(
        field(
            get(&app, "/ledger/proof/consistency?first=3&second=2"),
            422,
            "invalid_tree_size"
        ),
        "first"
    );
    assert_eq!(
        field(
            get(&app, "/ledger/proof/consistency?first=1&second=9"),
            422,
            "invalid_tree_size"
        ),
        "second"
    );
    assert_eq!(
        field(get(&app, "/ledger/leaves?limit=0"), 422, "invalid_page"),
        "limit"
    );
    assert_eq!(
        field(get(&app, "/ledger/heads?limit=5000"), 422, "invalid_page"),
        "limit"
    );
    assert_error(get(&app, "/ledger/heads/7"), 404, "not_found");
    assert_eq!(
        field(get(&app, "/ledger/heads/x"), 400, "invalid_field"),
        "tree_size"
    );
    let post = |content_type: &str, data: &[u8]| {
        app.client()
            .post(app.url("/ledger/verify"))
            .header("content-type", content_type)
            .body(data.to_vec())
            .send()
            .unwrap()
    };
    assert_eq!(
        field(
            post("application/json", br#"{"sha256": "xyz"}"#),
            422,
            "invalid_sha256"
        ),
        "sha256"
    );
    assert_error(post("application/json", b"{"), 400, "invalid_json");
    assert_eq!(
        field(
            post("application/json", br#"{"hash": "00"}"#),
            400,
            "invalid_field"
        ),
        "hash"
    );
    let good = format!(r#"{{"sha256": "{}", "tree_size": 2}}"#, sha256(&[0]));
    assert_error(post("application/json", good.as_bytes()), 404, "not_found");
    assert_error(post("text/plain", b"hello"), 415, "unsupported_media_type");
    let (content_type, data) = form(&[("tree_size", "3")], None);
    assert_eq!(
        field(post(&content_type, &data), 400, "invalid_field"),
        "file"
    );
    let (content_type, data) = form(&[("tree_size", "three")], Some(b"x"));
    assert_eq!(
        field(post(&content_type, &data), 400, "invalid_field"),
        "tree_size"
    );
}

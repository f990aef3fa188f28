//! Regulator adapters' intake (issue 15): one module per adapter, each delivering its sample
//! files into a registered supply chain over HTTP and at the command line.

use base64::Engine;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::sign::Verifier;
use registry::identity::{self, Scope};
use reqwest::blocking::Response;
use serde_json::{Value, json};
use tracehub_tests::body;
use tracehub_tests::fixtures::Registry;
use tracehub_tests::recall::created;

mod agri_food;
mod certificates;
mod drugs;
mod rare_earth;
mod special_equipment;

/// Delivers `bytes` as file `name` through `adapter` with `token`.
fn deliver(
    r: &Registry,
    token: &str,
    adapter: &str,
    name: &str,
    bytes: Vec<u8>,
    skip_bad: bool,
) -> Response {
    r.app
        .client()
        .post(r.app.url(&format!(
            "/api/v1/intake/{adapter}/deliveries?file_name={name}&skip_bad={skip_bad}"
        )))
        .bearer_auth(token)
        .header(
            "content-type",
            if adapter == "rare-earth" {
                "application/xml"
            } else {
                "text/csv"
            },
        )
        .body(bytes)
        .send()
        .unwrap()
}

/// A `system` user bound to `category`, and its token.
fn system_user(r: &Registry, name: &str, category: &str) -> String {
    created(r.post(
        Some(&r.admin),
        "/api/v1/users",
        json!({"username": name, "display_name": name, "role": "system", "category": category}),
    ));
    let user =
        identity::find_user_by_name(&mut r.app.test_db().db().conn().unwrap(), name).unwrap();
    r.app.token_for(&user, &[Scope::Read, Scope::Write])
}

fn delivered(response: Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    body(response)
}

/// Checks a receipt's signature with the hub's published key.
fn verify_receipt(r: &Registry, delivery: &Value) {
    let pem = r
        .app
        .client()
        .get(r.app.url("/ledger/key"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let key = PKey::public_key_from_pem(pem.as_bytes()).unwrap();
    let signature = base64::engine::general_purpose::STANDARD
        .decode(delivery["signature"].as_str().unwrap())
        .unwrap();
    let text = delivery["receipt"].as_str().unwrap();
    let mut verifier = Verifier::new(MessageDigest::sha256(), &key).unwrap();
    verifier.update(text.as_bytes()).unwrap();
    assert!(verifier.verify(&signature).unwrap(), "the receipt verifies");
    let receipt: Value = serde_json::from_str(text).unwrap();
    assert_eq!(receipt["delivery_id"], delivery["id"]);
    assert_eq!(receipt["sha256"], delivery["sha256"]);
    assert_eq!(receipt["outcome"], delivery["outcome"]);
}

/// The kinds of the alerts `officer` sees, sorted.
fn alert_kinds(r: &Registry, officer: &str) -> Vec<String> {
    let mut kinds: Vec<String> = body(r.get(officer, "/api/v1/alerts"))
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap().to_owned())
        .collect();
    kinds.sort();
    kinds
}

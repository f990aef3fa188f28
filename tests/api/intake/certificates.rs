//! Regulator adapters' intake (issue 15) by client certificate: an administrator binds a
//! regulator system's X.509 certificate to its machine account, and the system delivers over
//! mutual TLS without a token; an unbound, revoked or page-sent certificate signs nobody in.

use openssl::hash::MessageDigest;
use registry::identity;
use reqwest::Certificate;
use reqwest::blocking::Client;
use serde_json::json;
use tracehub_tests::{assert_error, body};

use super::delivered;
use super::drugs::{chain_with, sample};
use crate::tls::{Issued, https_config, identity, issue, issue_for_days, pem};

/// A client trusting the test CA and presenting `issued`.
fn presenting(ca: &Issued, issued: &Issued) -> Client {
    Client::builder()
        .add_root_certificate(Certificate::from_pem(&pem(&ca.cert)).unwrap())
        .identity(identity(issued))
        .build()
        .unwrap()
}

#[test]
fn a_regulator_system_delivers_by_its_client_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let ca = issue("tracehub test CA", None, false);
    let server = issue("hub", Some(&ca), true);
    // Longer than the year the clock may be moved ahead by in CI (TRACEHUB_TEST_CLOCK=+365d).
    let system_cert = issue_for_days("drug-regulator-system", Some(&ca), false, 500);
    let stranger = issue_for_days("somebody-else", Some(&ca), false, 500);
    let c = chain_with(https_config(dir.path(), &ca, &server, false));
    let r = &c.r;
    let system =
        identity::find_user_by_name(&mut r.app.test_db().db().conn().unwrap(), "drug-system")
            .unwrap();
    let certificates = format!("/api/v1/users/{}/certificates", system.id);
    let system_pem = String::from_utf8(pem(&system_cert.cert)).unwrap();

    // Binding: a PEM certificate, once, to a machine account only.
    let bound = body(r.post(Some(&r.admin), &certificates, json!({ "pem": system_pem })));
    let expected = hex::encode(system_cert.cert.digest(MessageDigest::sha256()).unwrap());
    assert_eq!(bound["fingerprint"], expected.as_str());
    assert_eq!(bound["subject"], "CN=drug-regulator-system");
    assert_error(
        r.post(Some(&r.admin), &certificates, json!({ "pem": system_pem })),
        409,
        "certificate_taken",
    );
    let garbage = assert_error(
        r.post(
            Some(&r.admin),
            &certificates,
            json!({ "pem": "-----BEGIN CERTIFICATE-----\nnope\n" }),
        ),
        422,
        "invalid_certificate",
    );
    assert_eq!(garbage["field"], "pem");
    let officer =
        identity::find_user_by_name(&mut r.app.test_db().db().conn().unwrap(), "officer-drugs")
            .unwrap();
    let stranger_pem = String::from_utf8(pem(&stranger.cert)).unwrap();
    assert_error(
        r.post(
            Some(&r.admin),
            &format!("/api/v1/users/{}/certificates", officer.id),
            json!({ "pem": stranger_pem }),
        ),
        422,
        "not_a_machine_account",
    );

    // The system delivers by its certificate alone; the receipt names it.
    let client = presenting(&ca, &system_cert);
    let deliver = |client: &Client| {
        client
            .post(
                r.app
                    .url("/api/v1/intake/drugs/deliveries?file_name=products.csv"),
            )
            .header("content-type", "text/csv")
            .body(sample("products.csv"))
            .send()
            .unwrap()
    };
    let products = delivered(deliver(&client), 201);
    assert_eq!(
        (products["sender"].clone(), products["outcome"].clone()),
        (json!("drug-system"), json!("accepted"))
    );
    // It is the system's role that decides, not the certificate: no administration.
    assert_error(
        client.get(r.app.url(&certificates)).send().unwrap(),
        403,
        "forbidden",
    );
    // A request a web page sent does not ride on the certificate.
    assert_error(
        client
            .get(r.app.url("/api/v1/intake/deliveries"))
            .header("origin", "https://elsewhere.example")
            .send()
            .unwrap(),
        401,
        "unauthenticated",
    );
    assert_error(
        deliver(&presenting(&ca, &stranger)),
        401,
        "certificate_unknown",
    );

    // Revoked, the binding signs nobody in; the list keeps it with its revocation time.
    let revoked = body(
        r.app
            .client()
            .delete(r.app.url(&format!("{certificates}/{}", bound["id"])))
            .bearer_auth(&r.admin)
            .send()
            .unwrap(),
    );
    assert!(revoked["revoked_at"].is_string(), "{revoked}");
    assert_error(deliver(&client), 401, "certificate_revoked");
    let listed = body(r.get(&r.admin, &certificates));
    assert_eq!(listed[0]["fingerprint"], expected.as_str());
}

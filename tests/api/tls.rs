//! HTTPS served by the hub itself, with and without client certificates (mutual TLS), using
//! certificates made here by a throwaway CA.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly")]

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::extension::{BasicConstraints, ExtendedKeyUsage, SubjectAlternativeName};
use openssl::x509::{X509, X509NameBuilder};
use reqwest::blocking::Client;
use reqwest::{Certificate, Identity};
use tracehub_tests::{TestApp, body};

/// A certificate and its key.
pub struct Issued {
    pub cert: X509,
    pub key: PKey<Private>,
}

/// A certificate valid for two days: a CA's (self-signed) without `ca`, else issued by `ca`
/// for a server (`localhost`, 127.0.0.1) or a client.
pub fn issue(common_name: &str, ca: Option<&Issued>, server: bool) -> Issued {
    issue_for_days(common_name, ca, server, 2)
}

/// [`issue`], valid for `days` from now.
pub fn issue_for_days(common_name: &str, ca: Option<&Issued>, server: bool, days: u32) -> Issued {
    let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", common_name).unwrap();
    let name = name.build();
    let mut builder = X509::builder().unwrap();
    builder.set_version(2).unwrap();
    let mut serial = BigNum::new().unwrap();
    serial.rand(64, MsbOption::MAYBE_ZERO, false).unwrap();
    builder
        .set_serial_number(&serial.to_asn1_integer().unwrap())
        .unwrap();
    builder.set_subject_name(&name).unwrap();
    builder
        .set_issuer_name(ca.map_or(&name, |ca| ca.cert.subject_name()))
        .unwrap();
    builder.set_pubkey(&key).unwrap();
    builder
        .set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    builder
        .set_not_after(&Asn1Time::days_from_now(days).unwrap())
        .unwrap();
    match ca {
        None => builder
            .append_extension(BasicConstraints::new().critical().ca().build().unwrap())
            .unwrap(),
        Some(ca) => {
            if server {
                let san = SubjectAlternativeName::new()
                    .ip("127.0.0.1")
                    .dns("localhost")
                    .build(&builder.x509v3_context(Some(&ca.cert), None))
                    .unwrap();
                builder.append_extension(san).unwrap();
                builder
                    .append_extension(ExtendedKeyUsage::new().server_auth().build().unwrap())
                    .unwrap();
            } else {
                builder
                    .append_extension(ExtendedKeyUsage::new().client_auth().build().unwrap())
                    .unwrap();
            }
        }
    }
    builder
        .sign(ca.map_or(&key, |ca| &ca.key), MessageDigest::sha256())
        .unwrap();
    Issued {
        cert: builder.build(),
        key,
    }
}

pub fn pem(cert: &X509) -> Vec<u8> {
    cert.to_pem().unwrap()
}

/// The client identity reqwest presents for `issued`.
pub fn identity(issued: &Issued) -> Identity {
    Identity::from_pkcs8_pem(
        &pem(&issued.cert),
        &issued.key.private_key_to_pem_pkcs8().unwrap(),
    )
    .unwrap()
}

/// A hub serving HTTPS with `server`'s certificate, accepting client certificates of `ca`
/// (required when `require` is set); the files live in `dir`.
pub fn https_config(
    dir: &std::path::Path,
    ca: &Issued,
    server: &Issued,
    require: bool,
) -> impl FnOnce(&mut hub::config::Config) {
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let cert = write("server.pem", &pem(&server.cert));
    let key = write(
        "server.key",
        &server.key.private_key_to_pem_pkcs8().unwrap(),
    );
    let ca_path = write("ca.pem", &pem(&ca.cert));
    move |c| {
        c.server.tls.cert = Some(cert);
        c.server.tls.key = Some(key);
        c.server.tls.client_ca = Some(ca_path);
        c.server.tls.require_client_cert = require;
    }
}

#[test]
fn https_with_required_client_certificates() {
    let dir = tempfile::tempdir().unwrap();
    let ca = issue("tracehub test CA", None, false);
    let server = issue("hub", Some(&ca), true);
    let member = issue("ministry-of-agriculture", Some(&ca), false);
    let app = TestApp::spawn_with(https_config(dir.path(), &ca, &server, true));
    assert!(app.base.starts_with("https://"));
    let trusted =
        || Client::builder().add_root_certificate(Certificate::from_pem(&pem(&ca.cert)).unwrap());

    let anonymous = trusted().build().unwrap().get(app.url("/healthz")).send();
    assert!(
        anonymous.is_err(),
        "a client without a certificate is refused during the handshake"
    );

    let client = trusted().identity(identity(&member)).build().unwrap();
    let health = client.get(app.url("/healthz")).send().unwrap();
    assert_eq!(body(health)["status"], "ok");

    let untrusted = Client::builder()
        .build()
        .unwrap()
        .get(app.url("/healthz"))
        .send();
    assert!(
        untrusted.is_err(),
        "the server's certificate is only trusted through the test CA"
    );
}

//! Client certificates of machine accounts: bound from a PEM file (read here with openssl),
//! listed and revoked by administrators.

use chrono::{DateTime, NaiveDateTime};
use openssl::asn1::{Asn1Time, Asn1TimeRef};
use openssl::x509::{X509, X509NameRef};
use registry::error::Code;
use registry::identity::{self, ClientCertificate, NewCertificate};
use serde_json::json;

use super::{Change, Origin, audited};
use crate::app::Core;
use crate::error::ApiError;

/// Binds the PEM certificate to machine account `user_id`.
pub fn bind(
    core: &Core,
    origin: &Origin,
    user_id: i64,
    pem: &str,
) -> Result<ClientCertificate, ApiError> {
    let new = read_certificate(pem)?;
    audited(core, origin, "certificate.bind", |conn, now| {
        let user = identity::find_user(conn, user_id)?;
        let bound = identity::bind_certificate(conn, now, &user, &new)?;
        let detail = json!({ "user_id": user_id, "fingerprint": bound.fingerprint, "subject": bound.subject, "not_after": registry::time::rfc3339(bound.not_after) });
        Ok(Change::recorded(bound, format!("user:{user_id}"), detail))
    })
}

/// Revokes binding `id` of `user_id`.
pub fn revoke(
    core: &Core,
    origin: &Origin,
    user_id: i64,
    id: i64,
) -> Result<ClientCertificate, ApiError> {
    audited(core, origin, "certificate.revoke", |conn, now| {
        let revoked = identity::revoke_certificate(conn, now, user_id, id)?;
        let detail = json!({ "user_id": user_id, "fingerprint": revoked.fingerprint });
        Ok(Change::recorded(revoked, format!("user:{user_id}"), detail))
    })
}

/// The fingerprint, subject and end of validity of one PEM X.509 certificate.
fn read_certificate(pem: &str) -> Result<NewCertificate, ApiError> {
    let invalid = |message: &str| {
        ApiError::new(Code::InvalidCertificate, message.to_owned()).with_field("pem")
    };
    let certs =
        X509::stack_from_pem(pem.as_bytes()).map_err(|_| invalid("not a PEM X.509 certificate"))?;
    let cert = match certs.as_slice() {
        [cert] => cert,
        [] => {
            return Err(invalid(
                "no certificate (-----BEGIN CERTIFICATE-----) in the PEM",
            ));
        }
        _ => {
            return Err(invalid(
                "give one certificate, the client's, without its chain",
            ));
        }
    };
    Ok(NewCertificate {
        fingerprint: identity::certificate_fingerprint(
            &cert
                .to_der()
                .map_err(|_| invalid("unreadable certificate"))?,
        ),
        subject: subject_line(cert.subject_name()),
        not_after: naive_time(cert.not_after()).ok_or_else(|| invalid("unreadable notAfter"))?,
    })
}

/// A subject as `CN=agri-system, O=...`, in the certificate's order.
fn subject_line(name: &X509NameRef) -> String {
    name.entries()
        .map(|entry| {
            let key = entry.object().nid().short_name().unwrap_or("?");
            let value = entry.data().to_string().unwrap_or_default();
            format!("{key}={value}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// An ASN.1 time as UTC.
fn naive_time(time: &Asn1TimeRef) -> Option<NaiveDateTime> {
    let epoch = Asn1Time::from_unix(0).ok()?;
    let diff = epoch.diff(time).ok()?;
    let seconds = i64::from(diff.days) * 86_400 + i64::from(diff.secs);
    DateTime::from_timestamp(seconds, 0).map(|t| t.naive_utc())
}

//! Client certificates of machine accounts: a regulator system may present an X.509 certificate
//! (mutual TLS) instead of an API token. The hub keeps the SHA-256 of the certificate's DER
//! bytes, bound to one `system` user, with its subject and end of validity; a binding can be
//! revoked. Reading the certificate is the caller's job (the hub parses it with openssl).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::role::Role;
use super::users::{User, find_user};
use super::{Actor, AuthMethod, TokenRefusal};
use crate::db::DbConn;
use crate::error::{Code, RegistryError, Result};
use crate::schema::client_certificates;
use crate::secret::sha256_hex;

/// A certificate's fingerprint as bindings keep it: the SHA-256 of its DER bytes, lowercase
/// hexadecimal.
pub fn certificate_fingerprint(der: &[u8]) -> String {
    sha256_hex(der)
}

/// A certificate bound to a machine account.
#[derive(Debug, Clone, Serialize, Queryable, Selectable, utoipa::ToSchema)]
#[diesel(table_name = client_certificates)]
pub struct ClientCertificate {
    pub id: i64,
    pub user_id: i64,
    /// SHA-256 of the certificate's DER bytes, lowercase hexadecimal.
    pub fingerprint: String,
    /// The certificate's subject, as openssl prints it (e.g. `CN=agri-system`).
    pub subject: String,
    /// The end of the certificate's validity: after it, the binding no longer signs anyone in.
    #[serde(with = "crate::time::as_rfc3339")]
    pub not_after: NaiveDateTime,
    #[serde(with = "crate::time::as_rfc3339")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::time::as_rfc3339::option")]
    pub revoked_at: Option<NaiveDateTime>,
}

/// A certificate read by the caller, to bind.
#[derive(Debug, Clone)]
pub struct NewCertificate {
    /// SHA-256 of the DER bytes, lowercase hexadecimal.
    pub fingerprint: String,
    pub subject: String,
    pub not_after: NaiveDateTime,
}

/// Binds a certificate to `user`, who must be an active `system` user; a certificate already
/// bound (to anyone, revoked or not) is refused with `certificate_taken`.
pub fn bind_certificate(
    conn: &mut DbConn,
    now: NaiveDateTime,
    user: &User,
    new: &NewCertificate,
) -> Result<ClientCertificate> {
    if user.role != Role::System {
        return Err(RegistryError::invalid(
            Code::NotAMachineAccount,
            "user_id",
            "client certificates are bound to `system` users only",
        ));
    }
    if !user.active {
        return Err(RegistryError::conflict(
            Code::UserNotActive,
            "the user is deactivated",
        ));
    }
    if new.not_after <= now {
        return Err(RegistryError::invalid(
            Code::InvalidCertificate,
            "pem",
            "the certificate's validity has ended",
        ));
    }
    let inserted = diesel::insert_into(client_certificates::table)
        .values((
            client_certificates::user_id.eq(user.id),
            client_certificates::fingerprint.eq(&new.fingerprint),
            client_certificates::subject.eq(&new.subject),
            client_certificates::not_after.eq(new.not_after),
            client_certificates::created_at.eq(now),
        ))
        .returning(client_certificates::id)
        .get_result::<i64>(conn);
    match inserted.map_err(RegistryError::from) {
        Ok(id) => find_certificate(conn, user.id, id),
        // The fingerprint is unique: a certificate is bound once, to one account.
        Err(e) if e.is_unique_violation() => Err(RegistryError::conflict(
            Code::CertificateTaken,
            "this certificate is bound already; revoke that binding's certificate and issue another",
        )),
        Err(e) => Err(e),
    }
}

/// The certificates bound to a user, newest first.
pub fn list_certificates(conn: &mut DbConn, user_id: i64) -> Result<Vec<ClientCertificate>> {
    Ok(client_certificates::table
        .filter(client_certificates::user_id.eq(user_id))
        .order(client_certificates::id.desc())
        .select(ClientCertificate::as_select())
        .load(conn)?)
}

/// Revokes binding `id` of `user_id`; revoking twice keeps the first time.
pub fn revoke_certificate(
    conn: &mut DbConn,
    now: NaiveDateTime,
    user_id: i64,
    id: i64,
) -> Result<ClientCertificate> {
    let found = find_certificate(conn, user_id, id)?;
    if found.revoked_at.is_some() {
        return Ok(found);
    }
    diesel::update(client_certificates::table.find(id))
        .set(client_certificates::revoked_at.eq(now))
        .execute(conn)?;
    find_certificate(conn, user_id, id)
}

fn find_certificate(conn: &mut DbConn, user_id: i64, id: i64) -> Result<ClientCertificate> {
    client_certificates::table
        .find(id)
        .filter(client_certificates::user_id.eq(user_id))
        .select(ClientCertificate::as_select())
        .first(conn)
        .optional()?
        .ok_or(RegistryError::NotFound {
            entity: "certificate",
        })
}

/// The actor behind a presented certificate (by fingerprint), or why it is refused. The chain
/// and dates were checked by the TLS handshake; the hub's own clock decides the binding's end.
pub fn certificate_user(
    conn: &mut DbConn,
    now: NaiveDateTime,
    fingerprint: &str,
) -> Result<std::result::Result<Actor, TokenRefusal>> {
    let Some(found) = client_certificates::table
        .filter(client_certificates::fingerprint.eq(fingerprint))
        .select(ClientCertificate::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(Err(TokenRefusal::Unknown));
    };
    if found.revoked_at.is_some() {
        return Ok(Err(TokenRefusal::Revoked));
    }
    if found.not_after <= now {
        return Ok(Err(TokenRefusal::Expired));
    }
    let user = find_user(conn, found.user_id)?;
    if !user.active {
        return Ok(Err(TokenRefusal::UserInactive));
    }
    Ok(Ok(Actor::for_user(&user, AuthMethod::Certificate)))
}

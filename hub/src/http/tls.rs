//! TLS with openssl: the server's certificate and key, and optionally the CAs whose client
//! certificates are verified (mutual TLS: regulator systems and the exchange). The certificate
//! a client presented is recorded on its connection ([`PeerCertificate`]) for `http::auth`.

use std::any::Any;

use actix_tls::accept::openssl::TlsStream;
use actix_web::dev::Extensions;
use actix_web::rt::net::TcpStream;
use anyhow::Context;
use openssl::ssl::{SslAcceptor, SslAcceptorBuilder, SslFiletype, SslMethod, SslVerifyMode};
use registry::identity::certificate_fingerprint;

use crate::config::TlsConfig;

/// An acceptor for the configured certificate, or none when TLS is not configured.
pub fn acceptor(tls: &TlsConfig) -> anyhow::Result<Option<SslAcceptorBuilder>> {
    let (Some(cert), Some(key)) = (&tls.cert, &tls.key) else {
        return Ok(None);
    };
    let mut builder = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls())?;
    builder
        .set_certificate_chain_file(cert)
        .with_context(|| format!("server.tls.cert: cannot load {}", cert.display()))?;
    builder
        .set_private_key_file(key, SslFiletype::PEM)
        .with_context(|| format!("server.tls.key: cannot load {}", key.display()))?;
    builder
        .check_private_key()
        .context("server.tls.key does not match server.tls.cert")?;
    if let Some(ca) = &tls.client_ca {
        builder
            .set_ca_file(ca)
            .with_context(|| format!("server.tls.client_ca: cannot load {}", ca.display()))?;
        let mut mode = SslVerifyMode::PEER;
        if tls.require_client_cert {
            mode |= SslVerifyMode::FAIL_IF_NO_PEER_CERT;
        }
        builder.set_verify(mode);
    }
    builder.set_alpn_select_callback(|_, client| {
        openssl::ssl::select_next_proto(b"\x08http/1.1", client)
            .ok_or(openssl::ssl::AlpnError::NOACK)
    });
    Ok(Some(builder))
}

/// The client certificate of a connection, verified by the handshake against
/// `server.tls.client_ca`: the SHA-256 of its DER bytes, lowercase hexadecimal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerCertificate(pub String);

/// Called when a connection opens: records its client certificate, when it presented one.
pub fn record_peer_certificate(connection: &dyn Any, data: &mut Extensions) {
    let Some(stream) = connection.downcast_ref::<TlsStream<TcpStream>>() else {
        return;
    };
    if let Some(cert) = stream.ssl().peer_certificate() {
        if let Ok(der) = cert.to_der() {
            data.insert(PeerCertificate(certificate_fingerprint(&der)));
        }
    }
}

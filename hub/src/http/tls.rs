//! TLS with openssl: the server's certificate and key, and optionally the CAs whose client
//! certificates are verified (mutual TLS, used by the exchange).

use anyhow::Context;
use openssl::ssl::{SslAcceptor, SslAcceptorBuilder, SslFiletype, SslMethod, SslVerifyMode};

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

-- Issue 15: a regulator system may deliver by a client certificate (mutual TLS) instead of an
-- API token. An administrator binds the certificate to the system's machine account; the hub
-- keeps the SHA-256 of its DER bytes, never the certificate's key.
CREATE TABLE client_certificates (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    fingerprint TEXT NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    not_after TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX client_certificates_user ON client_certificates (user_id);

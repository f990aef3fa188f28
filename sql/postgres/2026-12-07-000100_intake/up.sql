-- Issue 15: regulator adapters. Every delivery a regulator system makes (HTTP push or
-- `hub import`) is kept with its SHA-256 and its signed receipt; a file delivered again by
-- the same sender changes nothing (one written delivery per adapter, sender and content).
CREATE TABLE intake_deliveries (
    id BIGSERIAL PRIMARY KEY,
    adapter TEXT NOT NULL,
    sender_user_id BIGINT NOT NULL REFERENCES users (id),
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    outcome TEXT NOT NULL,
    records BIGINT NOT NULL,
    written BIGINT NOT NULL,
    refused BIGINT NOT NULL,
    alerts BIGINT NOT NULL,
    receipt TEXT NOT NULL,
    signature TEXT NOT NULL,
    key_id TEXT NOT NULL
);
CREATE UNIQUE INDEX intake_deliveries_once ON intake_deliveries (adapter, sender_user_id, sha256)
    WHERE outcome <> 'rejected';
CREATE INDEX intake_deliveries_by_time ON intake_deliveries (adapter, received_at);

-- The drugs adapter: drugs by their 7-digit identification code, and each pack code's batch,
-- expiry and end (sold or dispensed), which the alerts compare against.
CREATE TABLE drug_products (
    drug_id TEXT PRIMARY KEY,
    gtin TEXT NOT NULL,
    name TEXT NOT NULL,
    approval_number TEXT NOT NULL,
    delivery_id BIGINT NOT NULL REFERENCES intake_deliveries (id),
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE drug_codes (
    epc TEXT PRIMARY KEY,
    batch TEXT NOT NULL,
    expiry DATE NOT NULL,
    site_gln TEXT NOT NULL,
    commissioned_at TIMESTAMP NOT NULL,
    ended TEXT,
    ended_at TIMESTAMP,
    ended_gln TEXT
);

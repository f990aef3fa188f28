-- Traceability stamps: orders issued by a department to an enterprise for one of its products,
-- the stamps themselves (a serial is never reused: it is the primary key and no row is ever
-- deleted), activations and revocations by range, the public scan log, wrong-code attempts
-- (rate limits shared by replicas) and reports of suspected fakes.

CREATE TABLE stamp_orders (
    id BIGSERIAL PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    product_id BIGINT NOT NULL REFERENCES products (id),
    department_id BIGINT NOT NULL REFERENCES departments (id),
    company_prefix TEXT NOT NULL,
    gtin TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('qr', 'anti_counterfeit')),
    quantity BIGINT NOT NULL CHECK (quantity BETWEEN 1 AND 1000000),
    resolver_host TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    issued_at TIMESTAMP NOT NULL
);
CREATE INDEX stamp_orders_enterprise ON stamp_orders (enterprise_id, id);
CREATE INDEX stamp_orders_department ON stamp_orders (department_id, id);
CREATE INDEX stamp_orders_prefix ON stamp_orders (company_prefix);

-- One row per stamp. `seq` is the stamp's position in its order (1..quantity): ranges are
-- ranges of seq. `key_version` is the hidden-code key of an anti-counterfeit stamp (the code
-- itself is never stored). `batch_id` is set by activation, `revoked_at` by revocation.
CREATE TABLE stamps (
    serial TEXT PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES stamp_orders (id),
    seq BIGINT NOT NULL,
    company_prefix TEXT NOT NULL,
    key_version INTEGER,
    batch_id BIGINT REFERENCES batches (id),
    activated_at TIMESTAMP,
    revoked_at TIMESTAMP,
    revocation_id BIGINT,
    UNIQUE (order_id, seq)
);
CREATE INDEX stamps_batch ON stamps (batch_id) WHERE batch_id IS NOT NULL;

-- Activation and revocation decisions, each over a range of one order.
CREATE TABLE stamp_activations (
    id BIGSERIAL PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES stamp_orders (id),
    first_seq BIGINT NOT NULL,
    last_seq BIGINT NOT NULL,
    batch_id BIGINT NOT NULL REFERENCES batches (id),
    company_prefix TEXT NOT NULL,
    activated_by TEXT NOT NULL,
    activated_at TIMESTAMP NOT NULL,
    CHECK (first_seq <= last_seq)
);
CREATE INDEX stamp_activations_order ON stamp_activations (order_id, id);

CREATE TABLE stamp_revocations (
    id BIGSERIAL PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES stamp_orders (id),
    first_seq BIGINT NOT NULL,
    last_seq BIGINT NOT NULL,
    reason TEXT NOT NULL,
    company_prefix TEXT NOT NULL,
    revoked_by TEXT NOT NULL,
    revoked_at TIMESTAMP NOT NULL,
    CHECK (first_seq <= last_seq)
);
CREATE INDEX stamp_revocations_order ON stamp_revocations (order_id, id);

-- Every public resolution or verification. `serial` may be one never issued (that is an
-- alert). The client address is stored only as a keyed hash; the location is what the client
-- volunteered, coarsened.
CREATE TABLE stamp_scans (
    id BIGSERIAL PRIMARY KEY,
    serial TEXT NOT NULL,
    company_prefix TEXT NOT NULL DEFAULT '',
    scanned_at TIMESTAMP NOT NULL,
    client_hash TEXT NOT NULL,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    country TEXT,
    verdict TEXT NOT NULL
);
CREATE INDEX stamp_scans_serial ON stamp_scans (serial, scanned_at);
CREATE INDEX stamp_scans_prefix ON stamp_scans (company_prefix);

-- Wrong hidden codes, for the limits per serial and per client address.
CREATE TABLE stamp_verify_failures (
    id BIGSERIAL PRIMARY KEY,
    serial TEXT NOT NULL,
    client_hash TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX stamp_verify_failures_serial ON stamp_verify_failures (serial, at);
CREATE INDEX stamp_verify_failures_client ON stamp_verify_failures (client_hash, at);

-- The public "report a suspected fake" form.
CREATE TABLE stamp_fake_reports (
    id BIGSERIAL PRIMARY KEY,
    serial TEXT NOT NULL,
    company_prefix TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    client_hash TEXT NOT NULL,
    reported_at TIMESTAMP NOT NULL,
    alert_id BIGINT REFERENCES alerts (id)
);
CREATE INDEX stamp_fake_reports_serial ON stamp_fake_reports (serial);

-- Enterprise registry: enterprises and their categories, the review history and proposed
-- changes to key data, sites, licences, products and batches (lots).
-- Products and batches carry the GS1 company prefix (denormalised) as the future shard key.

CREATE INDEX departments_region ON departments (region_code);

CREATE TABLE enterprises (
    id BIGSERIAL PRIMARY KEY,
    credit_code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    legal_representative TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    region_code TEXT NOT NULL,
    address TEXT NOT NULL,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    company_prefix TEXT UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'rejected', 'suspended', 'revoked')),
    status_reason TEXT,
    credit_tier TEXT NOT NULL DEFAULT 'B' CHECK (credit_tier IN ('A', 'B', 'C', 'D')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX enterprises_name ON enterprises (name);
CREATE INDEX enterprises_region ON enterprises (region_code);
CREATE INDEX enterprises_status ON enterprises (status, id);

CREATE TABLE enterprise_categories (
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    category TEXT NOT NULL,
    PRIMARY KEY (enterprise_id, category)
);
CREATE INDEX enterprise_categories_category ON enterprise_categories (category, enterprise_id);

CREATE TABLE enterprise_history (
    id BIGSERIAL PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    before TEXT NOT NULL,
    after TEXT NOT NULL,
    note TEXT
);
CREATE INDEX enterprise_history_enterprise ON enterprise_history (enterprise_id, id);

CREATE TABLE enterprise_changes (
    id BIGSERIAL PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    kind TEXT NOT NULL CHECK (kind IN ('update', 'licence')),
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    reason TEXT,
    proposed_by TEXT NOT NULL,
    proposed_at TIMESTAMP NOT NULL,
    decided_by TEXT,
    decided_at TIMESTAMP
);
CREATE INDEX enterprise_changes_enterprise ON enterprise_changes (enterprise_id, status);

CREATE TABLE sites (
    id BIGSERIAL PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('farm', 'factory', 'warehouse', 'store', 'port')),
    gln TEXT NOT NULL UNIQUE,
    address TEXT NOT NULL,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX sites_enterprise ON sites (enterprise_id);

CREATE TABLE licences (
    id BIGSERIAL PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    licence_type TEXT NOT NULL,
    number TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE NOT NULL,
    authority TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (licence_type, number)
);
CREATE INDEX licences_enterprise ON licences (enterprise_id);
CREATE INDEX licences_valid_to ON licences (valid_to);

CREATE TABLE products (
    id BIGSERIAL PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    company_prefix TEXT NOT NULL,
    gtin TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL,
    name TEXT NOT NULL,
    specification TEXT NOT NULL DEFAULT '',
    shelf_life_days INTEGER,
    target_markets TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX products_enterprise ON products (enterprise_id, id);
CREATE INDEX products_prefix ON products (company_prefix);

CREATE TABLE batches (
    id BIGSERIAL PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    company_prefix TEXT NOT NULL,
    product_id BIGINT NOT NULL REFERENCES products (id),
    lot TEXT NOT NULL,
    production_date DATE NOT NULL,
    expiry_date DATE,
    quantity DOUBLE PRECISION NOT NULL,
    unit TEXT NOT NULL,
    site_id BIGINT REFERENCES sites (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (product_id, lot)
);
CREATE INDEX batches_enterprise ON batches (enterprise_id, id);
CREATE INDEX batches_prefix ON batches (company_prefix);

-- Lineage: which input lots a lot was made from (feeds the trace).
CREATE TABLE batch_inputs (
    batch_id BIGINT NOT NULL REFERENCES batches (id),
    input_batch_id BIGINT NOT NULL REFERENCES batches (id),
    company_prefix TEXT NOT NULL,
    PRIMARY KEY (batch_id, input_batch_id)
);
CREATE INDEX batch_inputs_input ON batch_inputs (input_batch_id);

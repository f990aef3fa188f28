-- Registry, second part: the deployment's settings (its country), documents stored
-- content-addressed by SHA-256, and what enterprise search over 100,000 enterprises needs.

CREATE TABLE registry_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO registry_settings (key, value) VALUES ('country', 'cn');

-- The bytes of documents kept in the database, once per content.
CREATE TABLE document_blobs (
    sha256 TEXT PRIMARY KEY,
    size_bytes BIGINT NOT NULL,
    content BYTEA NOT NULL
);

CREATE TABLE documents (
    id BIGSERIAL PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    company_prefix TEXT NOT NULL,
    doc_type TEXT NOT NULL CHECK (doc_type IN ('certificate', 'test_report', 'certificate_of_origin', 'licence')),
    issuer TEXT NOT NULL,
    number TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    product_id BIGINT REFERENCES products (id),
    batch_id BIGINT REFERENCES batches (id),
    sha256 TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    filename TEXT NOT NULL,
    storage TEXT NOT NULL CHECK (storage IN ('database', 'directory')),
    published BOOLEAN NOT NULL DEFAULT FALSE,
    uploaded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX documents_enterprise ON documents (enterprise_id, id);
CREATE INDEX documents_sha256 ON documents (sha256);
CREATE INDEX documents_product ON documents (product_id, id);
CREATE INDEX documents_batch ON documents (batch_id, id);
CREATE INDEX documents_prefix ON documents (company_prefix);

-- Local and English names, Unicode-lower-cased by the hub, for case-insensitive search. A
-- narrow table of its own: scanning it is several times faster than reaching the last column
-- of the wide enterprises rows.
CREATE TABLE enterprise_search (
    enterprise_id BIGINT PRIMARY KEY REFERENCES enterprises (id),
    search_name TEXT NOT NULL
);
INSERT INTO enterprise_search (enterprise_id, search_name)
    SELECT id, lower(name || chr(10) || name_en) FROM enterprises;
-- Trigrams serve substring searches of three characters or more (CJK included).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX enterprise_search_trgm ON enterprise_search USING gin (search_name gin_trgm_ops);

-- Sorting by name or by age with a stable tie-break, licence lookups by number (bulk import)
-- and by expiry (search) from the index alone.
DROP INDEX enterprises_name;
CREATE INDEX enterprises_name ON enterprises (name, id);
CREATE INDEX enterprises_created ON enterprises (created_at, id);
CREATE INDEX licences_number ON licences (number);
CREATE INDEX licences_expiry ON licences (valid_to, enterprise_id);

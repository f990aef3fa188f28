-- Issue 14: EPCIS named queries (POST /epcis/queries), kept per owner. `query` is the
-- query's parameters as JSON (an object of parameter name to string), checked when saved and
-- read again with the reader's scope each time the query runs.
CREATE TABLE epcis_named_queries (
    id BIGSERIAL PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX epcis_named_queries_owner_name ON epcis_named_queries (owner_id, name);

-- EPCIS 2.0 events: capture jobs, the events (internal JSON body plus the columns queries filter
-- on), every identifier an event touches with its role, and the lineage edges written at capture.

CREATE TABLE capture_jobs (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    created_by BIGINT REFERENCES users (id),
    enterprise_id BIGINT,
    format TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    event_count BIGINT NOT NULL,
    stored_count BIGINT NOT NULL,
    duplicate_count BIGINT NOT NULL,
    error TEXT,
    finished_at TIMESTAMP
);
CREATE INDEX capture_jobs_enterprise ON capture_jobs (enterprise_id, id);

CREATE TABLE epcis_events (
    id BIGSERIAL PRIMARY KEY,
    event_id TEXT,
    event_hash TEXT NOT NULL,
    declares_error BOOLEAN NOT NULL,
    event_type TEXT NOT NULL,
    event_time TIMESTAMP NOT NULL,
    event_tz_offset TEXT NOT NULL,
    record_time TIMESTAMP NOT NULL,
    action TEXT,
    biz_step TEXT,
    disposition TEXT,
    read_point TEXT,
    biz_location TEXT,
    company_prefix TEXT NOT NULL DEFAULT '',
    capture_job_id BIGINT NOT NULL REFERENCES capture_jobs (id),
    body TEXT NOT NULL
);
-- The same event (GS1 event hash) or the same eventID is stored once; an error declaration
-- about it is a second row.
CREATE UNIQUE INDEX epcis_events_hash ON epcis_events (event_hash, declares_error);
CREATE UNIQUE INDEX epcis_events_event_id ON epcis_events (event_id, declares_error);
CREATE INDEX epcis_events_time ON epcis_events (event_time, id);
CREATE INDEX epcis_events_record_time ON epcis_events (record_time);
CREATE INDEX epcis_events_job ON epcis_events (capture_job_id);
CREATE INDEX epcis_events_prefix ON epcis_events (company_prefix);

CREATE TABLE epcis_event_ids (
    event_row_id BIGINT NOT NULL REFERENCES epcis_events (id),
    role TEXT NOT NULL,
    identifier TEXT NOT NULL,
    PRIMARY KEY (event_row_id, role, identifier)
);
CREATE INDEX epcis_event_ids_identifier ON epcis_event_ids (identifier, role);

CREATE TABLE lineage_edges (
    id BIGSERIAL PRIMARY KEY,
    from_id TEXT NOT NULL,
    to_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('transform', 'aggregate', 'ship')),
    event_row_id BIGINT NOT NULL REFERENCES epcis_events (id),
    valid_from TIMESTAMP NOT NULL,
    valid_to TIMESTAMP,
    company_prefix TEXT NOT NULL DEFAULT ''
);
CREATE INDEX lineage_edges_from ON lineage_edges (from_id, kind);
CREATE INDEX lineage_edges_to ON lineage_edges (to_id, kind);
CREATE INDEX lineage_edges_event ON lineage_edges (event_row_id);

-- Issue 14: every acknowledged eventID leads somewhere.
--
-- An event captured again with the same GS1 event hash but another eventID (the same event
-- reported by two systems) is not stored twice: its eventID becomes an alias of the stored
-- event, found by EQ_eventID, by /epcis/events/{eventID} and in the trace. An eventID is either
-- a stored event's or one alias's (checked at capture, in the capture transaction).
CREATE TABLE epcis_event_aliases (
    event_id TEXT COLLATE "C" PRIMARY KEY,
    event_row_id BIGINT NOT NULL,
    capture_job_id BIGINT NOT NULL REFERENCES capture_jobs (id),
    company_prefix TEXT NOT NULL DEFAULT ''
);
CREATE INDEX epcis_event_aliases_event ON epcis_event_aliases (event_row_id);

-- Which stored event each duplicate of a capture joined (one row per job that had any: the
-- first 1,000 as JSON, like capture_job_warnings).
CREATE TABLE capture_job_duplicates (
    capture_job_id BIGINT PRIMARY KEY REFERENCES capture_jobs (id),
    duplicates TEXT NOT NULL
);

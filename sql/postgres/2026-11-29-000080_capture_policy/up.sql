-- Capture policy: regulator adapters (system users) are bound to one category, and a capture
-- job keeps the warnings the unregistered-GLN check found (one row per job that had any).
ALTER TABLE users ADD COLUMN category TEXT;
CREATE TABLE capture_job_warnings (
    capture_job_id BIGINT PRIMARY KEY REFERENCES capture_jobs (id),
    warning_count BIGINT NOT NULL,
    warnings TEXT NOT NULL
);

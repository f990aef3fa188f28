-- The outbox: everything that leaves the hub (notices, exchanges, deliveries) is first written
-- here, in the same transaction as the change that causes it, then delivered by workers that
-- claim one job at a time, retry with back-off, and keep the row as the record of delivery.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    -- Enqueueing the same key twice is a no-op (at most one job per key).
    dedupe_key TEXT UNIQUE,
    company_prefix TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_after TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX outbox_ready ON outbox (status, run_after);

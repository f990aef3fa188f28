-- Issue 14: subscriptions to EPCIS named queries (POST /epcis/queries/{name}/subscriptions).
-- A subscription reports to its webhook `dest` the events of the captures it has not yet
-- reported: each capture that stores events adds a row to epcis_subscription_backlog for every
-- subscription (in the capture's transaction), and a run takes the backlog, queries the
-- captures' events with the owner's scope, enqueues the deliveries in the outbox and removes
-- the backlog rows, in one transaction. `signature_token` is sealed (AES-256-GCM under a key
-- derived from the server secret); `schedule` is the EPCIS schedule as given (JSON) and
-- `cron` the expression it became; `next_run_at` the next slot of a scheduled one.
CREATE TABLE epcis_subscriptions (
    id BIGSERIAL PRIMARY KEY,
    subscription_id TEXT NOT NULL,
    owner_id BIGINT NOT NULL REFERENCES users (id),
    query_id BIGINT NOT NULL REFERENCES epcis_named_queries (id) ON DELETE CASCADE,
    dest TEXT NOT NULL,
    signature_token TEXT,
    report_if_empty BOOLEAN NOT NULL,
    stream BOOLEAN NOT NULL,
    schedule TEXT,
    cron TEXT,
    next_run_at TIMESTAMP,
    initial_record_time TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    last_notified_at TIMESTAMP
);
CREATE UNIQUE INDEX epcis_subscriptions_public_id ON epcis_subscriptions (subscription_id);
CREATE INDEX epcis_subscriptions_query ON epcis_subscriptions (query_id);
CREATE INDEX epcis_subscriptions_due ON epcis_subscriptions (next_run_at);

CREATE TABLE epcis_subscription_backlog (
    subscription_id BIGINT NOT NULL REFERENCES epcis_subscriptions (id) ON DELETE CASCADE,
    capture_job_id BIGINT NOT NULL,
    PRIMARY KEY (subscription_id, capture_job_id)
);

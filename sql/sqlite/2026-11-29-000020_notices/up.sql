-- Notices delivered: each user's inbox (one row per notice and recipient; a notice is identified
-- by its topic and source, so a delivery that runs twice writes nothing new), the language a
-- user reads notices in, the officer's confirmations recorded when a listing is removed from the
-- blacklist, and the flag on what a listed enterprise filed while it was listed.

ALTER TABLE users ADD COLUMN locale TEXT;

CREATE TABLE notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id),
    topic TEXT NOT NULL,
    source TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    locale TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE UNIQUE INDEX notices_once ON notices (user_id, topic, source);
CREATE INDEX notices_inbox ON notices (user_id, id);

ALTER TABLE blacklist ADD COLUMN penalties_fulfilled BOOLEAN;
ALTER TABLE blacklist ADD COLUMN no_new_heavy_penalty BOOLEAN;

ALTER TABLE products ADD COLUMN flagged TEXT;
ALTER TABLE batches ADD COLUMN flagged TEXT;
ALTER TABLE capture_jobs ADD COLUMN flagged TEXT;

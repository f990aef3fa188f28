-- Issue 17: credit tiers computed from the data. The schedule assesses every enterprise
-- (licences, filings, alerts by severity, published spot-check results, the blacklist) and
-- keeps the outcome with its reasons; an officer's tier set by hand is an override with a
-- written reason and an expiry, and wins over the computed tier until it expires (the
-- blacklist's D wins over both).
CREATE TABLE credit_assessments (
    enterprise_id BIGINT PRIMARY KEY REFERENCES enterprises (id),
    computed_tier TEXT NOT NULL,
    score INTEGER NOT NULL,
    reasons TEXT NOT NULL,
    assessed_at TIMESTAMP NOT NULL
);

CREATE TABLE credit_overrides (
    id BIGSERIAL PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    tier TEXT NOT NULL,
    reason TEXT NOT NULL,
    set_by TEXT NOT NULL,
    set_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP
);
CREATE INDEX credit_overrides_enterprise ON credit_overrides (enterprise_id, expires_at);

-- Alerts: every signal that needs a regulator's eye (counterfeit scans, mass-balance breaches,
-- expired licences...) in one store, scoped by region and category to the competent department.
-- The serious breach-of-trust blacklist: one open listing per enterprise at most.

CREATE TABLE alerts (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    enterprise_id BIGINT REFERENCES enterprises (id),
    region_code TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    company_prefix TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    dedupe_key TEXT UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'closed')),
    raised_at TIMESTAMP NOT NULL,
    handled_by TEXT,
    handled_at TIMESTAMP,
    note TEXT
);
CREATE INDEX alerts_status ON alerts (status, id);
CREATE INDEX alerts_region ON alerts (region_code, category, id);
CREATE INDEX alerts_enterprise ON alerts (enterprise_id, id);
CREATE INDEX alerts_prefix ON alerts (company_prefix);

CREATE TABLE blacklist (
    id BIGSERIAL PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    company_prefix TEXT NOT NULL DEFAULT '',
    department_id BIGINT NOT NULL REFERENCES departments (id),
    reason TEXT NOT NULL,
    penalty TEXT NOT NULL,
    decision_number TEXT NOT NULL,
    listed_by TEXT NOT NULL,
    listed_at TIMESTAMP NOT NULL,
    removable_from DATE NOT NULL,
    removed_by TEXT,
    removed_at TIMESTAMP,
    removal_reason TEXT
);
-- At most one open listing per enterprise.
CREATE UNIQUE INDEX blacklist_open ON blacklist (enterprise_id) WHERE removed_at IS NULL;
CREATE INDEX blacklist_enterprise ON blacklist (enterprise_id, id);

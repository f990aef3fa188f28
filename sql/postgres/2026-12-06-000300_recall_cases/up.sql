-- Issue 21: recall cases. A case names lots (recall_case_lots), freezes the scope the recall
-- report gave when it was opened or last re-scoped (recall_places: every place reached, with its
-- region and country; recall_parties: every registered enterprise holding affected goods, each
-- with when it was told, acknowledged, reminded and escalated), and keeps what each party
-- reported per lot (recall_disposals: held, returned, destroyed, sold; the latest report per
-- party and lot). `added_version` says which scoping found a row (0: the opening). Consumer
-- complaints about a product (recall_complaints) raise an alert to the competent department.
CREATE TABLE recall_cases (
    id BIGSERIAL PRIMARY KEY,
    department_id BIGINT NOT NULL REFERENCES departments (id),
    status TEXT NOT NULL,
    hazard_class TEXT NOT NULL,
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    reason TEXT NOT NULL,
    consumer_tip TEXT NOT NULL,
    return_to TEXT NOT NULL,
    requested_by TEXT,
    requesting_enterprise_id BIGINT,
    opened_by TEXT,
    opened_at TIMESTAMP,
    deadline_at TIMESTAMP,
    scope_version INTEGER NOT NULL,
    scoped_at TIMESTAMP,
    scope_truncated BOOLEAN NOT NULL,
    closed_by TEXT,
    closed_at TIMESTAMP,
    effectiveness TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX recall_cases_status ON recall_cases (status);

CREATE TABLE recall_case_lots (
    case_id BIGINT NOT NULL REFERENCES recall_cases (id),
    lot_id TEXT NOT NULL,
    gtin TEXT NOT NULL,
    lot TEXT NOT NULL,
    product TEXT NOT NULL,
    producer_id BIGINT,
    requested BOOLEAN NOT NULL,
    added_version INTEGER NOT NULL,
    PRIMARY KEY (case_id, lot_id)
);
CREATE INDEX recall_case_lots_gtin_lot ON recall_case_lots (gtin, lot);

CREATE TABLE recall_places (
    case_id BIGINT NOT NULL REFERENCES recall_cases (id),
    identifier TEXT NOT NULL,
    name TEXT NOT NULL,
    enterprise_id BIGINT,
    region TEXT NOT NULL,
    country TEXT NOT NULL,
    items BIGINT NOT NULL,
    quantity DOUBLE PRECISION NOT NULL,
    uom TEXT NOT NULL,
    retail BOOLEAN NOT NULL,
    added_version INTEGER NOT NULL,
    PRIMARY KEY (case_id, identifier)
);

CREATE TABLE recall_parties (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES recall_cases (id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    region_code TEXT NOT NULL,
    country TEXT NOT NULL,
    items BIGINT NOT NULL,
    quantity DOUBLE PRECISION NOT NULL,
    uom TEXT NOT NULL,
    added_version INTEGER NOT NULL,
    notified_at TIMESTAMP NOT NULL,
    acknowledged_at TIMESTAMP,
    acknowledged_by TEXT,
    reminders INTEGER NOT NULL,
    last_reminded_at TIMESTAMP,
    escalated_at TIMESTAMP
);
CREATE UNIQUE INDEX recall_parties_case_enterprise ON recall_parties (case_id, enterprise_id);
CREATE INDEX recall_parties_enterprise ON recall_parties (enterprise_id);

CREATE TABLE recall_disposals (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES recall_cases (id),
    party_id BIGINT NOT NULL REFERENCES recall_parties (id),
    lot_id TEXT NOT NULL,
    held DOUBLE PRECISION NOT NULL,
    returned DOUBLE PRECISION NOT NULL,
    destroyed DOUBLE PRECISION NOT NULL,
    sold DOUBLE PRECISION NOT NULL,
    uom TEXT NOT NULL,
    note TEXT NOT NULL,
    documents TEXT NOT NULL,
    reported_by TEXT NOT NULL,
    reported_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX recall_disposals_party_lot ON recall_disposals (party_id, lot_id);

CREATE TABLE recall_complaints (
    id BIGSERIAL PRIMARY KEY,
    gtin TEXT NOT NULL,
    lot TEXT NOT NULL,
    serial TEXT NOT NULL,
    description TEXT NOT NULL,
    contact TEXT NOT NULL,
    photo_sha256 TEXT,
    photo_storage TEXT,
    client_hash TEXT NOT NULL,
    case_id BIGINT,
    alert_id BIGINT,
    reported_at TIMESTAMP NOT NULL
);

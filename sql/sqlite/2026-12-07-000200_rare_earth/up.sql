-- Issue 15: the rare-earth adapter. Only enterprises the department designates mine or smelt
-- and separate, each under an annual quota of rare-earth oxide (REO, kilograms); each monthly
-- product-flow report is kept as its totals (a report filed again for the same month and
-- stage replaces the earlier one), which the mass balance and the quota are checked against.
CREATE TABLE rare_earth_designations (
    enterprise_id BIGINT PRIMARY KEY REFERENCES enterprises (id),
    stages TEXT NOT NULL,
    designated_by TEXT NOT NULL,
    designated_at TIMESTAMP NOT NULL
);

CREATE TABLE rare_earth_quotas (
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    year INTEGER NOT NULL,
    reo_kg DOUBLE PRECISION NOT NULL,
    set_by TEXT NOT NULL,
    set_at TIMESTAMP NOT NULL,
    PRIMARY KEY (enterprise_id, year)
);

CREATE TABLE rare_earth_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id BIGINT NOT NULL REFERENCES intake_deliveries (id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    period DATE NOT NULL,
    stage TEXT NOT NULL,
    opening_reo_kg DOUBLE PRECISION NOT NULL,
    input_reo_kg DOUBLE PRECISION NOT NULL,
    output_reo_kg DOUBLE PRECISION NOT NULL,
    shipped_reo_kg DOUBLE PRECISION NOT NULL,
    exported_reo_kg DOUBLE PRECISION NOT NULL,
    filed_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX rare_earth_reports_month ON rare_earth_reports (enterprise_id, period, stage);

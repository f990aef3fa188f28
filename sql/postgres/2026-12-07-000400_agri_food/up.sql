-- Issue 15: the agri and food adapters. The agricultural department keeps a list of banned or
-- withdrawn inputs; each input used on a farm's lot is kept with its withdrawal interval (the
-- days to wait before harvest or slaughter); and each lot of either adapter keeps when it was
-- first shipped and whether a test failed, which together raise an alert whichever comes first.
CREATE TABLE agri_banned_inputs (
    registration_number TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    reason TEXT NOT NULL,
    listed_by TEXT NOT NULL,
    listed_at TIMESTAMP NOT NULL
);

CREATE TABLE agri_input_uses (
    id BIGSERIAL PRIMARY KEY,
    delivery_id BIGINT NOT NULL REFERENCES intake_deliveries (id),
    site_gln TEXT NOT NULL,
    lot TEXT NOT NULL,
    used_on DATE NOT NULL,
    input_type TEXT NOT NULL,
    input_name TEXT NOT NULL,
    registration_number TEXT NOT NULL,
    withdrawal_days INTEGER NOT NULL
);
CREATE INDEX agri_input_uses_lot ON agri_input_uses (site_gln, lot);

CREATE TABLE lot_checks (
    gtin TEXT NOT NULL,
    lot TEXT NOT NULL,
    shipped_on DATE,
    failed_report TEXT,
    PRIMARY KEY (gtin, lot)
);

-- Issue 15: the special-equipment adapter. Each piece of equipment by its 18-digit code: its
-- EPC (a GIAI under its maker's prefix), whether it is scrapped (a scrapped code is never used
-- again), the filling company a gas cylinder is registered to, and when its next periodic
-- inspection is due (a scheduled job raises an alert once it is overdue, to the department of
-- the site it was last recorded at).
CREATE TABLE equipment (
    code TEXT PRIMARY KEY,
    epc TEXT NOT NULL,
    manufacturer TEXT NOT NULL,
    scrapped_at TIMESTAMP,
    filler TEXT,
    next_inspection_due DATE,
    last_site_gln TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX equipment_inspection_due ON equipment (next_inspection_due);

-- Compressed bodies cannot be expanded in SQL: down is only for a database that holds none
-- (the NOT NULL check below fails the migration otherwise).
CREATE TEMP TABLE body_zstd_guard (n INTEGER NOT NULL CHECK (n = 0));
INSERT INTO body_zstd_guard SELECT COUNT(*) FROM epcis_events WHERE body_zstd IS NOT NULL;
DROP TABLE body_zstd_guard;
ALTER TABLE epcis_events DROP COLUMN body_zstd;

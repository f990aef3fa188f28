-- Compressed bodies cannot be expanded in SQL: refuse to go down while any row holds one.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM epcis_events WHERE body_zstd IS NOT NULL) THEN
        RAISE EXCEPTION 'epcis_events holds compressed bodies; export the events first';
    END IF;
END $$;
ALTER TABLE epcis_events DROP COLUMN body_zstd;

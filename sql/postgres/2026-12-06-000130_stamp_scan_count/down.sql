ALTER TABLE stamps DROP COLUMN scan_count;

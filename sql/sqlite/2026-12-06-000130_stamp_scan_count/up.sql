-- How often each stamp has been scanned (issue 13): the resolver warns the consumer past the
-- scan limit, and the alert escalates at twice, four and eight times it. Kept on the stamp row
-- (which the resolver reads anyway) and added to by each batch of the scan log.
ALTER TABLE stamps ADD COLUMN scan_count INTEGER NOT NULL DEFAULT 0;

UPDATE stamps SET scan_count = (SELECT count(*) FROM stamp_scans s WHERE s.serial = stamps.serial)
WHERE serial IN (SELECT serial FROM stamp_scans);

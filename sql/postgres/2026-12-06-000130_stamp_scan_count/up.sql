-- How often each stamp has been scanned (issue 13): the resolver warns the consumer past the
-- scan limit, and the alert escalates at twice, four and eight times it. Kept on the stamp row
-- (which the resolver reads anyway) and added to by each batch of the scan log.
ALTER TABLE stamps ADD COLUMN scan_count BIGINT NOT NULL DEFAULT 0;

UPDATE stamps SET scan_count = counted.scans
FROM (SELECT serial, count(*) AS scans FROM stamp_scans GROUP BY serial) AS counted
WHERE stamps.serial = counted.serial;

-- Sustained EPCIS capture (BENCHMARKS.md, issue 5).
--
-- The foreign key from events to their capture job is checked by a trigger per event row.
-- Events are written only by the capture path (registry::events::store), in the transaction that
-- inserts their job, and capture jobs are never deleted, so the reference holds without the check
-- (ARCHITECTURE.md, invariants).
ALTER TABLE epcis_events DROP CONSTRAINT epcis_events_capture_job_id_fkey;

-- No query reads events by company prefix alone: the access scope tests it inside an OR of
-- sub-queries (a filter on rows found through another index). The column stays: it is the
-- sharding key.
DROP INDEX epcis_events_prefix;

-- Hashes, eventIDs, identifier roles and edge kinds are ASCII, compared for equality and never
-- shown sorted: the "C" collation makes every index comparison a memcmp instead of a call into
-- the locale's collation.
ALTER TABLE epcis_events
    ALTER COLUMN event_hash TYPE TEXT COLLATE "C",
    ALTER COLUMN event_id TYPE TEXT COLLATE "C";
ALTER TABLE epcis_event_nodes ALTER COLUMN role TYPE TEXT COLLATE "C";
ALTER TABLE lineage_edges ALTER COLUMN kind TYPE TEXT COLLATE "C";

-- A DELETE aggregation closes its edges (sets valid_to) soon after they were written: room left
-- on each page lets those updates stay on the page (HOT) instead of adding a row version to both
-- indexes. New pages only; rows stored before are not moved.
ALTER TABLE lineage_edges SET (fillfactor = 70);

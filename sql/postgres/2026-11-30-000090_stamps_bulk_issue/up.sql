-- Issuing a million stamps in seconds (BENCHMARKS.md, issue 4).
--
-- The foreign key from stamps to their order is checked by a trigger per row: 5 s per million
-- stamps, more than the rest of the write. Stamps are written only by the registry's issuing
-- path, in the transaction that inserts their order, and orders are never deleted, so the
-- reference holds without the check (ARCHITECTURE.md, invariants).
ALTER TABLE stamps DROP CONSTRAINT stamps_order_id_fkey;

-- Serials are compared byte by byte (the alphabet is ASCII): the "C" collation spares every
-- index comparison a call into the locale's collation.
ALTER TABLE stamps ALTER COLUMN serial TYPE TEXT COLLATE "C";
-- The same for every other column holding a serial, so that serials compare alike everywhere
-- (a comparison across two collations cannot use either column's index).
ALTER TABLE stamp_scans ALTER COLUMN serial TYPE TEXT COLLATE "C";
ALTER TABLE stamp_verify_failures ALTER COLUMN serial TYPE TEXT COLLATE "C";
ALTER TABLE stamp_fake_reports ALTER COLUMN serial TYPE TEXT COLLATE "C";

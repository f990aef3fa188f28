-- PostgreSQL drops the per-row foreign-key trigger of epcis_events and compares hashes, ids,
-- roles and kinds in the "C" collation. SQLite already compares text byte by byte (BINARY) and
-- checks the foreign key with one primary-key probe inside the insert, so it keeps those. Both
-- drop the company-prefix index of events, which no query uses (the column stays: it is the
-- sharding key).
DROP INDEX epcis_events_prefix;

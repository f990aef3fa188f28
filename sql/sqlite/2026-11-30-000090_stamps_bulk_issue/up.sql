-- PostgreSQL drops the per-row foreign-key trigger of stamps and compares serials in the "C"
-- collation. SQLite already compares text byte by byte (BINARY) and checks the foreign key with
-- one primary-key probe inside the insert, so it keeps its schema.
SELECT 1;

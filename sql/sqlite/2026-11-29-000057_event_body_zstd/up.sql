-- Event bodies compressed (zstd with a dictionary built into the hub, see
-- registry/src/events/body.rs): new rows keep `body` empty and the frame in `body_zstd`;
-- rows stored before keep their text in `body`.
ALTER TABLE epcis_events ADD COLUMN body_zstd BLOB;

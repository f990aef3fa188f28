ALTER TABLE lineage_edges RESET (fillfactor);
ALTER TABLE lineage_edges ALTER COLUMN kind TYPE TEXT COLLATE "default";
ALTER TABLE epcis_event_nodes ALTER COLUMN role TYPE TEXT COLLATE "default";
ALTER TABLE epcis_events
    ALTER COLUMN event_hash TYPE TEXT COLLATE "default",
    ALTER COLUMN event_id TYPE TEXT COLLATE "default";
CREATE INDEX epcis_events_prefix ON epcis_events (company_prefix);
ALTER TABLE epcis_events ADD CONSTRAINT epcis_events_capture_job_id_fkey
    FOREIGN KEY (capture_job_id) REFERENCES capture_jobs (id);

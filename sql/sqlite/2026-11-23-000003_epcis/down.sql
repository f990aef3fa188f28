DROP TABLE lineage_edges;
DROP TABLE epcis_event_ids;
DROP TABLE epcis_events;
DROP TABLE capture_jobs;

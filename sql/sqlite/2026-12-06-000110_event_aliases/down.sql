DROP TABLE capture_job_duplicates;
DROP TABLE epcis_event_aliases;

DROP TABLE capture_job_warnings;
ALTER TABLE users DROP COLUMN category;

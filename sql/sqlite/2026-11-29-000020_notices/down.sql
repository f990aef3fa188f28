ALTER TABLE capture_jobs DROP COLUMN flagged;
ALTER TABLE batches DROP COLUMN flagged;
ALTER TABLE products DROP COLUMN flagged;
ALTER TABLE blacklist DROP COLUMN no_new_heavy_penalty;
ALTER TABLE blacklist DROP COLUMN penalties_fulfilled;
DROP TABLE notices;
ALTER TABLE users DROP COLUMN locale;

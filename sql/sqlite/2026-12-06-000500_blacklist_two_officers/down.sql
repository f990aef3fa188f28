ALTER TABLE blacklist DROP COLUMN tier_before;
ALTER TABLE blacklist DROP COLUMN proposed_by;
ALTER TABLE blacklist DROP COLUMN legal_basis;
DROP TABLE blacklist_proposals;

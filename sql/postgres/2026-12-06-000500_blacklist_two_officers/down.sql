ALTER TABLE blacklist DROP COLUMN tier_before, DROP COLUMN proposed_by, DROP COLUMN legal_basis;
DROP TABLE blacklist_proposals;

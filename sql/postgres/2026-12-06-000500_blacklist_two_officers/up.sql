-- Issue 17: a listing is proposed by one officer and approved by a second officer of the same
-- department (no one approves their own proposal: the same user, whichever way they sign in). A proposal waits in blacklist_proposals (at
-- most one pending per enterprise); its approval writes the listing, which keeps who proposed it
-- and the legal basis. While a listing stands the enterprise's credit tier is D; the tier it had
-- is kept on the listing (tier_before) and given back at removal.
CREATE TABLE blacklist_proposals (
    id BIGSERIAL PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    department_id BIGINT NOT NULL REFERENCES departments (id),
    penalty TEXT NOT NULL,
    decision_number TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    reason TEXT NOT NULL,
    proposed_by TEXT NOT NULL,
    proposed_by_user_id BIGINT NOT NULL REFERENCES users (id),
    proposed_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL,
    decided_by TEXT,
    decided_at TIMESTAMP,
    decision_note TEXT,
    listing_id BIGINT REFERENCES blacklist (id)
);
CREATE UNIQUE INDEX blacklist_proposals_pending ON blacklist_proposals (enterprise_id)
    WHERE status = 'pending';
CREATE INDEX blacklist_proposals_department ON blacklist_proposals (department_id, status, id);

ALTER TABLE blacklist ADD COLUMN legal_basis TEXT NOT NULL DEFAULT '';
ALTER TABLE blacklist ADD COLUMN proposed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE blacklist ADD COLUMN tier_before TEXT NOT NULL DEFAULT 'B';

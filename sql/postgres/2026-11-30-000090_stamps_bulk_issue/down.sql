ALTER TABLE stamp_fake_reports ALTER COLUMN serial TYPE TEXT COLLATE "default";
ALTER TABLE stamp_verify_failures ALTER COLUMN serial TYPE TEXT COLLATE "default";
ALTER TABLE stamp_scans ALTER COLUMN serial TYPE TEXT COLLATE "default";
ALTER TABLE stamps ALTER COLUMN serial TYPE TEXT COLLATE "default";
ALTER TABLE stamps ADD CONSTRAINT stamps_order_id_fkey FOREIGN KEY (order_id) REFERENCES stamp_orders (id);

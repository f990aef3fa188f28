DROP TABLE stamp_fake_reports;
DROP TABLE stamp_verify_failures;
DROP TABLE stamp_scans;
DROP TABLE stamp_revocations;
DROP TABLE stamp_activations;
DROP TABLE stamps;
DROP TABLE stamp_orders;

ALTER TABLE enterprises DROP COLUMN search_name;
DROP TABLE documents;
DROP TABLE document_blobs;
DROP TABLE registry_settings;

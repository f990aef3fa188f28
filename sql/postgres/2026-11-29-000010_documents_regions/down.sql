DROP INDEX licences_expiry;
DROP INDEX licences_number;
DROP INDEX enterprises_created;
DROP INDEX enterprises_name;
CREATE INDEX enterprises_name ON enterprises (name);
DROP TABLE enterprise_search;
DROP TABLE documents;
DROP TABLE document_blobs;
DROP TABLE registry_settings;

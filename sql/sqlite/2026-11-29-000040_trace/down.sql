CREATE TABLE lineage_edges_text (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    from_id TEXT NOT NULL,
    to_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('transform', 'aggregate', 'ship')),
    event_row_id BIGINT NOT NULL REFERENCES epcis_events (id),
    valid_from TIMESTAMP NOT NULL,
    valid_to TIMESTAMP,
    company_prefix TEXT NOT NULL DEFAULT ''
);
INSERT INTO lineage_edges_text (from_id, to_id, kind, event_row_id, valid_from, valid_to, company_prefix)
SELECT f.identifier, t.identifier, e.kind, e.event_row_id, e.valid_from, e.valid_to, e.company_prefix
FROM lineage_edges e
JOIN lineage_nodes f ON f.id = e.from_node
JOIN lineage_nodes t ON t.id = e.to_node
WHERE e.kind <> 'commission';
DROP TABLE lineage_edges;
ALTER TABLE lineage_edges_text RENAME TO lineage_edges;
CREATE INDEX lineage_edges_from ON lineage_edges (from_id, kind);
CREATE INDEX lineage_edges_to ON lineage_edges (to_id, kind);
CREATE INDEX lineage_edges_event ON lineage_edges (event_row_id);

CREATE TABLE epcis_event_ids (
    event_row_id BIGINT NOT NULL REFERENCES epcis_events (id),
    role TEXT NOT NULL,
    identifier TEXT NOT NULL,
    PRIMARY KEY (event_row_id, role, identifier)
);
CREATE INDEX epcis_event_ids_identifier ON epcis_event_ids (identifier, role);
INSERT INTO epcis_event_ids (event_row_id, role, identifier)
SELECT e.event_row_id, e.role, n.identifier
FROM epcis_event_nodes e JOIN lineage_nodes n ON n.id = e.node_id;
DROP TABLE epcis_event_nodes;
DROP TABLE lineage_nodes;

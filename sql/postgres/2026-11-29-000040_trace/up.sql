-- Lineage on integer node ids, for the trace and the recall.
--
-- lineage_nodes maps every identifier an event touches (canonical text) to a BIGINT id, with
-- its company-prefix key. epcis_event_nodes replaces epcis_event_ids (the identifier index, on
-- node ids), and lineage_edges is rebuilt on node ids, with a fourth kind, `commission` (the lot
-- an item was commissioned into, from the ilmd lotNumber). Existing rows are migrated.
--
-- The derived tables carry no foreign keys: capture writes them in the same transaction as the
-- events they derive from, and per-row constraint triggers would cost more than the rows.

CREATE TABLE lineage_nodes (
    id BIGSERIAL PRIMARY KEY,
    identifier TEXT NOT NULL,
    company_prefix TEXT NOT NULL DEFAULT ''
);
-- text_pattern_ops: equality, and LIKE 'prefix%' for the EPC patterns of MATCH_ parameters.
CREATE UNIQUE INDEX lineage_nodes_identifier ON lineage_nodes (identifier text_pattern_ops);

INSERT INTO lineage_nodes (identifier, company_prefix)
SELECT identifier, CASE WHEN k ~ '^[0-9]{7}' THEN substr(k, 1, 7) ELSE '' END
FROM (
    SELECT identifier,
        CASE WHEN split_part(p, '/', 1) IN ('01', '00', '8003', '8006')
            THEN substr(split_part(split_part(p, '/', 2), '?', 1), 2)
            ELSE split_part(split_part(p, '/', 2), '?', 1) END AS k
    FROM (
        SELECT identifier,
            CASE WHEN identifier LIKE 'https://id.gs1.org/%' THEN substr(identifier, 20) ELSE '' END AS p
        FROM (
            SELECT identifier FROM epcis_event_ids
            UNION SELECT from_id FROM lineage_edges
            UNION SELECT to_id FROM lineage_edges
        ) ids
    ) paths
) keys
ORDER BY identifier;

CREATE TABLE epcis_event_nodes (
    event_row_id BIGINT NOT NULL,
    node_id BIGINT NOT NULL,
    role TEXT NOT NULL,
    company_prefix TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (event_row_id, node_id, role)
);
CREATE INDEX epcis_event_nodes_node ON epcis_event_nodes (node_id, role);

INSERT INTO epcis_event_nodes (event_row_id, node_id, role, company_prefix)
SELECT i.event_row_id, n.id, i.role, e.company_prefix
FROM epcis_event_ids i
JOIN lineage_nodes n ON n.identifier = i.identifier
JOIN epcis_events e ON e.id = i.event_row_id;

DROP TABLE epcis_event_ids;

ALTER TABLE lineage_edges RENAME TO lineage_edges_text;
DROP INDEX lineage_edges_from;
DROP INDEX lineage_edges_to;
DROP INDEX lineage_edges_event;
ALTER INDEX IF EXISTS lineage_edges_pkey RENAME TO lineage_edges_text_pkey;

CREATE TABLE lineage_edges (
    from_node BIGINT NOT NULL,
    to_node BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('transform', 'aggregate', 'ship', 'commission')),
    event_row_id BIGINT NOT NULL,
    valid_from TIMESTAMP NOT NULL,
    valid_to TIMESTAMP,
    company_prefix TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (from_node, to_node, kind, event_row_id)
);
CREATE INDEX lineage_edges_to ON lineage_edges (to_node, kind);

INSERT INTO lineage_edges (from_node, to_node, kind, event_row_id, valid_from, valid_to, company_prefix)
SELECT f.id, t.id, o.kind, o.event_row_id, o.valid_from, o.valid_to, o.company_prefix
FROM lineage_edges_text o
JOIN lineage_nodes f ON f.identifier = o.from_id
JOIN lineage_nodes t ON t.identifier = o.to_id
ON CONFLICT DO NOTHING;

DROP TABLE lineage_edges_text;

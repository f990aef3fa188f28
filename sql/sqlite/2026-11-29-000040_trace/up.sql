-- Lineage on integer node ids, for the trace and the recall.
--
-- lineage_nodes maps every identifier an event touches (canonical text) to an integer id, with
-- its company-prefix key. epcis_event_nodes replaces epcis_event_ids (the identifier index, on
-- node ids), and lineage_edges is rebuilt on node ids, with a fourth kind, `commission` (the lot
-- an item was commissioned into, from the ilmd lotNumber). Existing rows are migrated.
--
-- The derived tables carry no foreign keys: capture writes them in the same transaction as the
-- events they derive from.

CREATE TABLE lineage_nodes (
    id INTEGER PRIMARY KEY,
    identifier TEXT NOT NULL,
    company_prefix TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX lineage_nodes_identifier ON lineage_nodes (identifier);

WITH ids AS (
    SELECT identifier FROM epcis_event_ids
    UNION SELECT from_id FROM lineage_edges
    UNION SELECT to_id FROM lineage_edges
), paths AS (
    SELECT identifier,
        CASE WHEN identifier LIKE 'https://id.gs1.org/%' THEN substr(identifier, 20) ELSE '' END AS p
    FROM ids
), parts AS (
    SELECT identifier,
        CASE WHEN instr(p, '/') > 0 THEN substr(p, 1, instr(p, '/') - 1) ELSE '' END AS ai,
        CASE WHEN instr(p, '/') > 0 THEN substr(p, instr(p, '/') + 1) ELSE '' END AS rest
    FROM paths
), keys AS (
    SELECT identifier, ai,
        CASE WHEN instr(rest, '/') > 0 THEN substr(rest, 1, instr(rest, '/') - 1) ELSE rest END AS key0
    FROM parts
), trimmed AS (
    SELECT identifier, ai,
        CASE WHEN instr(key0, '?') > 0 THEN substr(key0, 1, instr(key0, '?') - 1) ELSE key0 END AS key1
    FROM keys
), prefixed AS (
    SELECT identifier,
        CASE WHEN ai IN ('01', '00', '8003', '8006') THEN substr(key1, 2) ELSE key1 END AS k
    FROM trimmed
)
INSERT INTO lineage_nodes (identifier, company_prefix)
SELECT identifier,
    CASE WHEN length(k) >= 7 AND substr(k, 1, 7) NOT GLOB '*[^0-9]*' THEN substr(k, 1, 7) ELSE '' END
FROM prefixed
ORDER BY identifier;

CREATE TABLE epcis_event_nodes (
    event_row_id BIGINT NOT NULL,
    node_id BIGINT NOT NULL,
    role TEXT NOT NULL,
    company_prefix TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (event_row_id, node_id, role)
) WITHOUT ROWID;
CREATE INDEX epcis_event_nodes_node ON epcis_event_nodes (node_id, role);

INSERT INTO epcis_event_nodes (event_row_id, node_id, role, company_prefix)
SELECT i.event_row_id, n.id, i.role, e.company_prefix
FROM epcis_event_ids i
JOIN lineage_nodes n ON n.identifier = i.identifier
JOIN epcis_events e ON e.id = i.event_row_id;

DROP TABLE epcis_event_ids;

DROP INDEX lineage_edges_from;
DROP INDEX lineage_edges_to;
DROP INDEX lineage_edges_event;
ALTER TABLE lineage_edges RENAME TO lineage_edges_text;

CREATE TABLE lineage_edges (
    from_node BIGINT NOT NULL,
    to_node BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('transform', 'aggregate', 'ship', 'commission')),
    event_row_id BIGINT NOT NULL,
    valid_from TIMESTAMP NOT NULL,
    valid_to TIMESTAMP,
    company_prefix TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (from_node, to_node, kind, event_row_id)
) WITHOUT ROWID;
CREATE INDEX lineage_edges_to ON lineage_edges (to_node, kind);

INSERT OR IGNORE INTO lineage_edges (from_node, to_node, kind, event_row_id, valid_from, valid_to, company_prefix)
SELECT f.id, t.id, o.kind, o.event_row_id, o.valid_from, o.valid_to, o.company_prefix
FROM lineage_edges_text o
JOIN lineage_nodes f ON f.identifier = o.from_id
JOIN lineage_nodes t ON t.identifier = o.to_id;

DROP TABLE lineage_edges_text;

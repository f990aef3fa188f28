-- The evidence ledger (issue 18): the SHA-256 of every document that matters, appended to a
-- Merkle-tree log as RFC 9162 (Certificate Transparency 2.0) builds it, with signed tree heads.
-- Append-only: the triggers below refuse to change or remove a row, so that an edit needs the
-- triggers dropped first (and `hub ledger verify` finds it all the same). See registry::ledger.

-- One row per leaf, indexes dense from 0 (SQLite's one writer assigns them in turn).
CREATE TABLE ledger_leaves (
    leaf_index INTEGER PRIMARY KEY CHECK (leaf_index >= 0),
    -- SHA-256(0x00 || leaf), the leaf being the encoding of the columns below.
    leaf_hash BLOB NOT NULL CHECK (length(leaf_hash) = 32),
    -- The document's SHA-256, lower-case hex.
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,
    filed_by TEXT NOT NULL,
    -- Millisecond precision (the leaf encodes milliseconds).
    filed_at TIMESTAMP NOT NULL
);
-- One leaf per content and kind: filing the same bytes again adds nothing.
CREATE UNIQUE INDEX ledger_leaves_content ON ledger_leaves (sha256, kind);

-- The hash of every perfect subtree of two leaves or more: the node at `level` and
-- `node_index` covers leaves [node_index * 2^level, (node_index + 1) * 2^level). Written as
-- leaves complete them, so a proof reads O(log n) rows.
CREATE TABLE ledger_nodes (
    level INTEGER NOT NULL CHECK (level >= 1),
    node_index INTEGER NOT NULL CHECK (node_index >= 0),
    hash BLOB NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, node_index)
) WITHOUT ROWID;

-- Signed tree heads: one per size, signed with the hub's ledger key (ECDSA P-256, SHA-256) over
-- RFC 6962's TreeHeadSignature bytes (registry::ledger::heads).
CREATE TABLE ledger_heads (
    tree_size INTEGER PRIMARY KEY CHECK (tree_size >= 1),
    root_hash BLOB NOT NULL CHECK (length(root_hash) = 32),
    -- Millisecond precision (the signature covers milliseconds).
    signed_at TIMESTAMP NOT NULL,
    -- SHA-256 of the signing key's public key (DER SubjectPublicKeyInfo), hex.
    key_id TEXT NOT NULL,
    -- The DER-encoded ECDSA signature.
    signature BLOB NOT NULL
);

CREATE TRIGGER ledger_leaves_no_update BEFORE UPDATE ON ledger_leaves
BEGIN SELECT RAISE(ABORT, 'the evidence ledger is append-only'); END;
CREATE TRIGGER ledger_leaves_no_delete BEFORE DELETE ON ledger_leaves
BEGIN SELECT RAISE(ABORT, 'the evidence ledger is append-only'); END;
CREATE TRIGGER ledger_nodes_no_update BEFORE UPDATE ON ledger_nodes
BEGIN SELECT RAISE(ABORT, 'the evidence ledger is append-only'); END;
CREATE TRIGGER ledger_nodes_no_delete BEFORE DELETE ON ledger_nodes
BEGIN SELECT RAISE(ABORT, 'the evidence ledger is append-only'); END;
CREATE TRIGGER ledger_heads_no_update BEFORE UPDATE ON ledger_heads
BEGIN SELECT RAISE(ABORT, 'the evidence ledger is append-only'); END;
CREATE TRIGGER ledger_heads_no_delete BEFORE DELETE ON ledger_heads
BEGIN SELECT RAISE(ABORT, 'the evidence ledger is append-only'); END;

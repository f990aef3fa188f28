DROP TABLE ledger_heads;
DROP TABLE ledger_nodes;
DROP TABLE ledger_leaves;

DROP TABLE ledger_heads;
DROP TABLE ledger_nodes;
DROP TABLE ledger_leaves;
DROP FUNCTION ledger_append_only();

DROP TABLE credit_overrides;
DROP TABLE credit_assessments;

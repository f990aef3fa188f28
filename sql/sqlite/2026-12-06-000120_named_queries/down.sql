DROP TABLE epcis_named_queries;

DROP TABLE drug_codes;
DROP TABLE drug_products;
DROP TABLE intake_deliveries;

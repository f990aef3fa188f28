DROP TABLE client_certificates;

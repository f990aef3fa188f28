DROP TABLE rare_earth_reports;
DROP TABLE rare_earth_quotas;
DROP TABLE rare_earth_designations;

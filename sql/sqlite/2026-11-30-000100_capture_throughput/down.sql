CREATE INDEX epcis_events_prefix ON epcis_events (company_prefix);

DROP TABLE blacklist;
DROP TABLE alerts;

DROP TABLE recall_complaints;
DROP TABLE recall_disposals;
DROP TABLE recall_parties;
DROP TABLE recall_places;
DROP TABLE recall_case_lots;
DROP TABLE recall_cases;

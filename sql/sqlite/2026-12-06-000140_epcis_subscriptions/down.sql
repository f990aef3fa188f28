DROP TABLE epcis_subscription_backlog;
DROP TABLE epcis_subscriptions;

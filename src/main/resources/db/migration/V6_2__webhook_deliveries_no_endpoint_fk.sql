-- Every delivery row inserted checked its endpoint through a foreign key, which takes a KEY
-- SHARE lock on the endpoint's row. All ingestion and evaluator transactions of a store insert
-- deliveries for the same few endpoints at once, so those locks were shared by many
-- transactions (multixacts) on a handful of hot rows. The endpoint's deliveries are deleted
-- with it by the endpoint's own DELETE instead (DeliveryStore).
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_store_id_endpoint_id_fkey;

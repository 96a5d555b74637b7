-- Kafka mode: one node at a time owns each events partition, and with it the evaluator partition
-- of the same number. A node that takes a partition over raises its epoch; every later write of
-- the previous owner (a projection, an evaluator batch) names the epoch it started under and is
-- refused once it is no longer the current one. The row lock of that raise also waits for the
-- previous owner's write in flight, so the new owner reads everything it committed.
-- Owners: event/kafka (kafka_offsets), segment/eval (evaluator_checkpoints), cluster (cluster_nodes).
ALTER TABLE kafka_offsets ADD COLUMN epoch bigint NOT NULL DEFAULT 0;
ALTER TABLE evaluator_checkpoints ADD COLUMN epoch bigint NOT NULL DEFAULT 0;
ALTER TABLE evaluator_checkpoints ADD COLUMN owner text;

-- The Shoal nodes sharing this database, and where the others reach each one's internal API
-- (control messages for the evaluator partitions it owns). secret authenticates those calls:
-- one random value per cluster, made by the first node, read by every other.
CREATE TABLE cluster_nodes (
  node_id    text PRIMARY KEY,
  url        text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE cluster_secret (
  id     boolean PRIMARY KEY DEFAULT true CHECK (id),
  secret text NOT NULL
);

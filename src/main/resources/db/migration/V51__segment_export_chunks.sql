-- Kafka mode (issue 15): a segment export's file, also kept in PostgreSQL in chunks of 1 MiB, so that
-- its download link works on every node, not only on the one that wrote it (its data directory).
-- Deleted with the export's expiry. Owner: audience (SegmentExports).
CREATE TABLE segment_export_chunks (
  store_id  text NOT NULL,
  export_id text NOT NULL,
  n         integer NOT NULL,
  data      bytea NOT NULL,
  PRIMARY KEY (store_id, export_id, n)
);

-- The node running an export: a node's start fails only the exports it was running itself (another
-- node's start used to fail every running export of the cluster). NULL: embedded, or before V51.
ALTER TABLE segment_exports ADD COLUMN node_id text;

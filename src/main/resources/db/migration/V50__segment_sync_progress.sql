-- Kafka mode (issue 15): how far each evaluator partition got in backfilling a segment, written by
-- the node running the partition, so that a GET of the segment on any node answers sync_progress
-- (the partitions of one segment's sync run on several nodes). Rows of a finished or deleted
-- segment's sync are deleted with it. Owner: segment (SegmentRepository).
CREATE TABLE segment_sync_progress (
  store_id   text NOT NULL,
  segment_id text NOT NULL,
  partition  integer NOT NULL,
  version    integer NOT NULL,
  fraction   double precision NOT NULL,
  PRIMARY KEY (store_id, segment_id, partition)
);

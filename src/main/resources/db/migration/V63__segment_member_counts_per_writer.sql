-- Issue 14: an evaluated segment's member count is kept in rows of its own, one per writer (the
-- evaluator partition whose batches move it), and summed on read; no longer in segments.member_count.
--
-- Each evaluator batch added its deltas to segments.member_count: ~300 rows of the wide segments
-- table per batch at 1,000 segments (rules and metadata jsonb, storefront fields), a new version
-- of each, ~50 µs a row in bench/engine's pg_stat_statements. And every partition's batch (and
-- every backfill) updated the SAME rows, so the partitions' transactions waited on each other's
-- row locks from their counts statement until the other's commit. Now a partition only writes its
-- own narrow rows: no lock is shared between partitions, and as members is in no index and the
-- table leaves room in its pages, the update is HOT. GET of a segment sums a segment's rows (at
-- most one per partition, plus the one moved here), so the count is exact once a batch commits,
-- the same transaction as the memberships it counts.
--
-- writer: the evaluator partition; -1 holds the count moved from segments.member_count by this
-- migration (never written again). A segment whose type changes between static and evaluated
-- starts over: its rows are deleted (SegmentRepository.update), as member_count was set to 0.
CREATE TABLE segment_member_counts (
  store_id    text NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
  segment_id  text NOT NULL,
  writer      integer NOT NULL,
  members     bigint NOT NULL,
  PRIMARY KEY (store_id, segment_id, writer)
) WITH (fillfactor = 50);

INSERT INTO segment_member_counts (store_id, segment_id, writer, members)
SELECT store_id, id, -1, member_count FROM segments WHERE member_count <> 0;

ALTER TABLE segments DROP COLUMN member_count;

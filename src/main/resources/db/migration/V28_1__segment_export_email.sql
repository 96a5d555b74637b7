-- Issue 19: an export's email survives a crash. emailed_at is set once the link was handed to the
-- email provider; a completed, unexpired export without it is mailed again (at start, and by the
-- 30 s sweep) with a fresh link whose token hash joins link_hashes, so a link already mailed
-- before the crash keeps working too.
ALTER TABLE segment_exports
  ADD COLUMN emailed_at timestamptz,
  ADD COLUMN link_hashes text[] NOT NULL DEFAULT '{}';
-- exports completed before this migration had their email attempted already
UPDATE segment_exports SET emailed_at = completed_at WHERE status IN ('completed', 'expired');
CREATE INDEX segment_exports_unmailed ON segment_exports (completed_at) WHERE status = 'completed' AND emailed_at IS NULL;

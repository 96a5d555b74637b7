-- A campaign the scheduler cannot start (a row it cannot read or act on) is marked failed with
-- the reason, and the scheduler goes on with the others (issue 16: one store's bad row stopped
-- every store's campaigns).
ALTER TABLE campaigns DROP CONSTRAINT campaigns_status_check;
ALTER TABLE campaigns ADD CONSTRAINT campaigns_status_check
  CHECK (status IN ('draft', 'scheduled', 'active', 'completed', 'cancelled', 'failed'));
ALTER TABLE campaigns ADD COLUMN failure_reason text;

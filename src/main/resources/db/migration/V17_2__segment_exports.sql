-- Exports of a segment's members (CSV or XLSX), written to a file under the data directory and
-- sent as a link by email; the link works until expires_at (default 6 minutes after completion),
-- then the file is deleted. rows_written is the progress a client polls.
CREATE TABLE segment_exports (
  store_id         text NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
  id               text NOT NULL,
  segment_id       text NOT NULL,
  format           text NOT NULL CHECK (format IN ('csv', 'xlsx')),
  email            text NOT NULL,
  recommendations  integer NOT NULL,
  status           text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed', 'expired')),
  rows_total       bigint NOT NULL DEFAULT 0,
  rows_written     bigint NOT NULL DEFAULT 0,
  file_name        text,
  file_bytes       bigint,
  token_hash       text,
  error            text,
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  completed_at     timestamptz,
  expires_at       timestamptz,
  PRIMARY KEY (store_id, id)
);
CREATE INDEX segment_exports_expiring ON segment_exports (expires_at) WHERE status = 'completed';

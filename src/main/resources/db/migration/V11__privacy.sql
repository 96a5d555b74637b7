-- Data-protection requests (GDPR/CCPA erasure and export), their audit trail, suppressions of
-- erased people, and export documents waiting to be downloaded.

-- One row per request. steps_done lists the erasure steps already applied, in order: each is
-- appended in the transaction that ends the step, so a request interrupted by a crash resumes
-- at the first step not listed, and status becomes 'completed' only after the last one.
CREATE TABLE data_requests (
  store_id              text NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
  id                    text NOT NULL,
  customer_id           text NOT NULL,
  type                  text NOT NULL CHECK (type IN ('erasure', 'export')),
  format                text,
  status                text NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
  reason                text,
  notify_customer       boolean NOT NULL DEFAULT false,
  -- the API key that asked ('admin' for the operator key)
  requested_by          text NOT NULL,
  steps_done            text[] NOT NULL DEFAULT '{}',
  -- per step, what it removed or kept anonymised (counts only)
  result                jsonb NOT NULL DEFAULT '{}',
  attempts              integer NOT NULL DEFAULT 0,
  last_error            text,
  estimated_completion  timestamptz NOT NULL,
  created_at            timestamptz NOT NULL DEFAULT clock_timestamp(),
  started_at            timestamptz,
  completed_at          timestamptz,
  PRIMARY KEY (store_id, id)
);
CREATE INDEX data_requests_by_created ON data_requests (store_id, created_at, id);
CREATE INDEX data_requests_by_customer ON data_requests (store_id, customer_id, created_at, id);
CREATE INDEX data_requests_open ON data_requests (created_at) WHERE status IN ('pending', 'processing');

-- Who did what about personal data, and when: requested, each step, completed or failed,
-- export downloaded, suppression lifted. Counts and ids only, never the person's data.
CREATE TABLE data_request_audit (
  seq         bigserial PRIMARY KEY,
  store_id    text NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
  request_id  text,
  action      text NOT NULL,
  actor       text NOT NULL,
  detail      jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX data_request_audit_by_store ON data_request_audit (store_id, seq);

-- An erased person's email, phone or external id, as HMAC-SHA256 under a per-store key derived from the
-- server's privacy secret (never the value): a customer with it cannot be created again.
CREATE TABLE suppressions (
  store_id    text NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
  id          text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('email', 'phone', 'external_id')),
  key_hash    bytea NOT NULL,
  request_id  text,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (store_id, id),
  UNIQUE (store_id, kind, key_hash)
);
CREATE INDEX suppressions_by_created ON suppressions (store_id, created_at, id);

-- The document of a completed export, served by its signed download URL until expires_at.
CREATE TABLE data_exports (
  store_id     text NOT NULL,
  request_id   text NOT NULL,
  customer_id  text NOT NULL,
  document     jsonb NOT NULL,
  expires_at   timestamptz NOT NULL,
  PRIMARY KEY (store_id, request_id),
  FOREIGN KEY (store_id, request_id) REFERENCES data_requests(store_id, id) ON DELETE CASCADE
);
CREATE INDEX data_exports_by_customer ON data_exports (store_id, customer_id);
CREATE INDEX data_exports_expiry ON data_exports (expires_at);

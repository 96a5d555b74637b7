-- An endpoint may take several events per request (issue 14): up to max_batch_size of them as one
-- signed JSON array. 1 (the default) sends one event per request, as before.
ALTER TABLE webhook_endpoints ADD COLUMN max_batch_size integer NOT NULL DEFAULT 1
  CHECK (max_batch_size BETWEEN 1 AND 100);

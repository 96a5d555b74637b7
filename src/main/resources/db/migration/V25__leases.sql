-- Kafka mode: which node runs each background job (campaign scheduler, dispatchers, automation
-- triggers and steps, refits, data requests). A lease is held until expires_at and renewed by its
-- holder well before; a node that dies stops renewing and another takes the job over once it has
-- expired. epoch grows at every change of holder. Times are the database's clock, never a node's.
-- Owner: cluster (see cluster/Leases).
CREATE TABLE leases (
  name        text PRIMARY KEY,
  holder      text NOT NULL,
  epoch       bigint NOT NULL,
  acquired_at timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);

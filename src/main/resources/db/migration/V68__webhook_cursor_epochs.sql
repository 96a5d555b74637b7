-- A webhook cursor's holds are fenced by an epoch (issue 14): it grows at every take-over, a
-- dispatcher learns it when it takes the cursor, renews only while it is unchanged, and records a
-- batch only under the epoch the batch was read under. The holder's name alone let a node that
-- stalled past its hold, while another took the cursor and moved it, take it back (A -> B -> A)
-- and go on from its old position (a page sent twice) or record its old batch over the other's.
ALTER TABLE webhook_cursors ADD COLUMN epoch bigint NOT NULL DEFAULT 0;

-- Issue 14: a recorded flip writes a transition row; every index on segment_transitions is paid
-- once per flip (tens per event at 1,000 segments). Nothing reads a transition by its id (the
-- history, the API and personal data read by segment, by customer or by seq), and ids are random
-- ("trn_" + 128 bits), so the unique index on (store_id, id) only cost writes.
DROP INDEX IF EXISTS segment_transitions_id;

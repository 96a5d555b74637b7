-- ddl: ALTER TABLE blob_state ADD COLUMN mem bytea; UPDATE blob_state SET mem = decode(repeat(md5(customer_id || 'm'), (cardinality(segment_nums) * 3) / 16 + 1), 'hex'), segment_nums = NULL, segment_since = NULL
-- lead17: memberships and their since-times as one compact bytea made by the evaluator
UPDATE blob_state e SET last_seen_at = u.seen, state_bin = u.st, cart = u.cart::jsonb, state = NULL,
  mem = coalesce(u.blob, e.mem)
  FROM inp u WHERE e.store_id = u.s AND e.customer_id = u.c;

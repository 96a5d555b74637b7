-- lead17: the arrays made by the evaluator (no parse, no since-times in SQL): a plain update from unnest-like input
UPDATE plain_state e SET last_seen_at = u.seen, state_bin = u.st, cart = u.cart::jsonb, state = NULL,
  segment_nums = coalesce(u.nums_arr, e.segment_nums), segment_since = CASE WHEN u.nums_arr IS NULL THEN e.segment_since ELSE u.since_arr END
  FROM inp u WHERE e.store_id = u.s AND e.customer_id = u.c;

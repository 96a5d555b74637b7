-- the evaluator's state upsert of V60-V63 (EvaluationStore.SQL_STATES before the since slices)
INSERT INTO old_state (store_id, customer_id, last_seen_at, state_bin, cart, segment_nums, segment_since)
 SELECT u.s, u.c, u.seen, u.st, u.cart::jsonb, string_to_array(u.segs, ',')::integer[],
 CASE WHEN u.segs IS NOT NULL THEN array_fill(now(), ARRAY[cardinality(string_to_array(u.segs, ','))]) END
 FROM inp u WHERE EXISTS (SELECT 1 FROM customers WHERE store_id = u.s AND id = u.c)
 ON CONFLICT (store_id, customer_id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at,
 state_bin = EXCLUDED.state_bin, cart = EXCLUDED.cart, state = NULL,
 segment_nums = CASE WHEN EXCLUDED.segment_nums IS NULL THEN old_state.segment_nums ELSE EXCLUDED.segment_nums END,
 segment_since = CASE WHEN EXCLUDED.segment_nums IS NULL THEN old_state.segment_since
   ELSE ARRAY(SELECT coalesce(o.t, now()) FROM unnest(EXCLUDED.segment_nums) WITH ORDINALITY AS n(id, k)
     LEFT JOIN unnest(old_state.segment_nums, old_state.segment_since) AS o(id, t) ON o.id = n.id ORDER BY n.k) END;

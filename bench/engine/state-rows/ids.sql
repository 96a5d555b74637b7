-- the evaluator's state upsert before V60: memberships as segment ids (text[])
INSERT INTO a_state (store_id, customer_id, last_seen_at, state_bin, cart, segment_ids, segment_since)
 SELECT u.s, u.c, u.seen, u.st, u.cart::jsonb, string_to_array(u.segs, ','),
 CASE WHEN u.segs IS NOT NULL THEN array_fill(now(), ARRAY[cardinality(string_to_array(u.segs, ','))]) END
 FROM inp_a u WHERE EXISTS (SELECT 1 FROM customers WHERE store_id = u.s AND id = u.c)
 ON CONFLICT (store_id, customer_id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at,
 state_bin = EXCLUDED.state_bin, cart = EXCLUDED.cart, state = NULL,
 segment_ids = CASE WHEN EXCLUDED.segment_ids IS NULL THEN a_state.segment_ids ELSE EXCLUDED.segment_ids END,
 segment_since = CASE WHEN EXCLUDED.segment_ids IS NULL THEN a_state.segment_since
   ELSE ARRAY(SELECT coalesce(o.t, now()) FROM unnest(EXCLUDED.segment_ids) WITH ORDINALITY AS n(id, k)
     LEFT JOIN unnest(a_state.segment_ids, a_state.segment_since) AS o(id, t) ON o.id = n.id ORDER BY n.k) END;

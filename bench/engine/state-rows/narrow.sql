-- lead17: lower bound: only the state bytes, last seen and cart (memberships untouched)
UPDATE narrow_state e SET last_seen_at = u.seen, state_bin = u.st, cart = u.cart::jsonb, state = NULL
  FROM inp u WHERE e.store_id = u.s AND e.customer_id = u.c;

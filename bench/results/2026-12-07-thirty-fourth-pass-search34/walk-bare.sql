SELECT count(*) FROM (SELECT id FROM customer_search WHERE store_id = (SELECT :S::text) ORDER BY created_at DESC, id DESC LIMIT :n) r;

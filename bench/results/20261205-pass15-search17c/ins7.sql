\set n random(1, 20000)
INSERT INTO s17c_keys_r7 SELECT store_id, k, created_at, id || 'z' || :client_id || '_' || random() FROM s17c_sample c, s17c_keys(c.search_text) k WHERE c.n = :n AND k ~ '^[^\t\n\v\f\r !-/:-@[-`{-~]{7}';

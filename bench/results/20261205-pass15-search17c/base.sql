\set n random(1, 20000)
SELECT count(*) FROM s17c_sample c, s17c_keys(c.search_text) k WHERE c.n = :n;

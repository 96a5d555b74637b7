SET search_path = n;
TRUNCATE notification_sets;
-- 3,300 sets of 14 notifications, as the evaluator writes them (segment ids/names of 1,000 segments)
INSERT INTO notification_sets (store_id, customer_id, created_at, shared, entered, segment_ids, segment_names)
SELECT 'store_bench', 'cust_' || i, now(), jsonb_build_object('customer', jsonb_build_object('email', 'c' || i || '@shop.example', 'first_name', 'Ann', 'last_name', 'Lee'), 'cause', 'evt_0123456789abcdefghjk', 'occurred_at', '2026-12-05T02:00:00.000Z'),
  array_fill(true, ARRAY[14]),
  ARRAY(SELECT 'seg_abcdefghjk' || lpad(((i * 7 + k * 71) % 1000)::text, 10, '0') FROM generate_series(1, 14) k),
  ARRAY(SELECT 'Segment ' || ((i * 7 + k * 71) % 1000) || ' of the bench' FROM generate_series(1, 14) k)
FROM generate_series(1, 3300) i;
ANALYZE notification_sets;
CREATE TEMP TABLE d AS SELECT array_agg(seq) AS seqs FROM notification_sets;
\timing on
SELECT count(*) AS v58_all_rows FROM d, notifications_written_at(d.seqs);
SELECT count(*) AS v58_all_rows FROM d, notifications_written_at(d.seqs);
SELECT count(*) AS v58_all_rows FROM d, notifications_written_at(d.seqs);
SELECT count(*) AS v61_relay_rows FROM d, notifications_written_at(d.seqs, NULL, NULL);
SELECT count(*) AS v61_relay_rows FROM d, notifications_written_at(d.seqs, NULL, NULL);
SELECT count(*) AS v61_relay_rows FROM d, notifications_written_at(d.seqs, NULL, NULL);
SELECT count(*) AS v61_automation_rows, count(seq) AS wanted FROM d, notifications_written_at(d.seqs, NULL, '{seg_abcdefghjk0000000001,seg_abcdefghjk0000000002}');
SELECT count(*) AS v61_automation_rows, count(seq) AS wanted FROM d, notifications_written_at(d.seqs, NULL, '{seg_abcdefghjk0000000001,seg_abcdefghjk0000000002}');
SELECT count(*) AS v61_automation_rows, count(seq) AS wanted FROM d, notifications_written_at(d.seqs, NULL, '{seg_abcdefghjk0000000001,seg_abcdefghjk0000000002}');
SELECT count(*) AS v61_no_rules FROM d, notifications_written_at(d.seqs, NULL, '{}');
SELECT count(*) AS v61_no_rules FROM d, notifications_written_at(d.seqs, NULL, '{}');
SELECT count(*) AS v61_other_store FROM d, notifications_written_at(d.seqs, 'store_else', NULL);
SELECT count(*) AS v61_other_store FROM d, notifications_written_at(d.seqs, 'store_else', NULL);

SET search_path = n;
DROP TABLE IF EXISTS d; CREATE TABLE d AS SELECT array_agg(seq) AS seqs FROM notification_sets;
\timing on
SELECT count(*), sum(length(x::text)) AS v58_all FROM d, notifications_written_at(d.seqs) x;
SELECT count(*), sum(length(x::text)) AS v58_all FROM d, notifications_written_at(d.seqs) x;
SELECT count(*), sum(length(x::text)) AS v58_all FROM d, notifications_written_at(d.seqs) x;
SELECT count(*), sum(length(x::text)) AS v61_relay FROM d, notifications_written_at(d.seqs, NULL, NULL) x;
SELECT count(*), sum(length(x::text)) AS v61_relay FROM d, notifications_written_at(d.seqs, NULL, NULL) x;
SELECT count(*), sum(length(x::text)) AS v61_relay FROM d, notifications_written_at(d.seqs, NULL, NULL) x;
SELECT count(*), sum(length(x::text)) AS v61_automation FROM d, notifications_written_at(d.seqs, NULL, '{seg_abcdefghjk0000000001,seg_abcdefghjk0000000002}') x;
SELECT count(*), sum(length(x::text)) AS v61_automation FROM d, notifications_written_at(d.seqs, NULL, '{seg_abcdefghjk0000000001,seg_abcdefghjk0000000002}') x;
SELECT count(*), sum(length(x::text)) AS v61_automation FROM d, notifications_written_at(d.seqs, NULL, '{seg_abcdefghjk0000000001,seg_abcdefghjk0000000002}') x;
SELECT count(*), sum(length(x::text)) AS v61_no_rules FROM d, notifications_written_at(d.seqs, NULL, '{}') x;
SELECT count(*), sum(length(x::text)) AS v61_no_rules FROM d, notifications_written_at(d.seqs, NULL, '{}') x;
SELECT count(*), sum(length(x::text)) AS v61_other_store FROM d, notifications_written_at(d.seqs, 'store_else', NULL) x;
SELECT count(*), sum(length(x::text)) AS v61_other_store FROM d, notifications_written_at(d.seqs, 'store_else', NULL) x;

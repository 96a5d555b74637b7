#!/usr/bin/env bash
# PostgreSQL ms per event: all statements in pg-top except the bench's own backlog poll, / rows of the events insert
for d in "$@"; do
  awk -F'|' 'NR>2 && NF>4 { ms=$2+0; q=$5; if (q ~ /SELECT seq, store_id, customer_id FROM events WHERE seq > \$1 *$/) next; tot+=ms;
     if (q ~ /INSERT INTO events/) ev=$4+0;
     if (q ~ /INSERT INTO notification_sets/) ns=ms; if (q ~ /INSERT INTO customer_eval_state/ || q ~ /WITH u AS \(SELECT u.s, u.c, u.seen, u.st, u.cart/) st=ms;
     if (q ~ /INSERT INTO segment_flips/) fl=ms; if (q ~ /INSERT INTO events/) ei=ms; if (q ~ /UPDATE customers c SET total_orders/) ag=ms;
     if (q ~ /member_count|segment_member_counts/) mc=ms; if (q ~ /notifications_written_at|notification_seqs_absent/) db+=ms }
     END { printf "%s events=%d pg_ms_per_event=%.3f sets=%.0f%% states=%.0f%% flips=%.0f%% events=%.0f%% aggregates=%.0f%% counts=%.0f%% doubts=%.0f%%\n", FILENAME, ev, tot/ev, 100*ns/tot, 100*st/tot, 100*fl/tot, 100*ei/tot, 100*ag/tot, 100*mc/tot, 100*db/tot }' "$d/pg-top-ingest.txt"
done

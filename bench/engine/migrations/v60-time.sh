#!/usr/bin/env bash
# Issue 14: how long V60 (memberships by segment number) takes on an upgrade, on a scratch
# PostgreSQL (fsync on). The tables V60 reads are built as they stood before it: 1,000 evaluated
# segments, CUSTOMERS state rows each in ~12 % of them (bench/engine's mean) with their memberships
# as text ids and since times (TOASTed, as in production). Then V60's own file runs in one
# transaction, as Flyway runs it, with each statement timed.
#
#   bench/engine/migrations/v60-time.sh [CUSTOMERS]      (default 100000)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
customers="${1:-100000}"
source "$here/../scratch-pg.sh"
scratch_pg_start v60-time
"${psql[@]}" -v customers="$customers" <<'SQL'
SET client_min_messages = warning;
CREATE TABLE segments (store_id text NOT NULL, id text NOT NULL, type text NOT NULL DEFAULT 'dynamic',
  created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (store_id, id));
INSERT INTO segments (store_id, id, created_at)
  SELECT 'store_xh5kmyf6np23a8c0q42h', 'seg_' || substr(md5(n::text), 1, 20), now() - n * interval '1 minute'
  FROM generate_series(1, 1000) n;
CREATE TABLE segment_members (store_id text, segment_id text, customer_id text, since timestamptz,
  legal_entity_id text, attributes jsonb);
CREATE TABLE customer_eval_state (store_id text NOT NULL, customer_id text NOT NULL, last_seen_at timestamptz,
  state jsonb, state_bin bytea, cart jsonb, segment_ids text[], segment_since timestamptz[],
  PRIMARY KEY (store_id, customer_id));
CREATE TEMP TABLE seg_list AS SELECT row_number() OVER (ORDER BY id) AS k, id FROM segments;
INSERT INTO customer_eval_state
  SELECT 'store_xh5kmyf6np23a8c0q42h', 'cus_' || substr(md5('c' || n), 1, 20), now(), NULL,
    decode(repeat(md5(n::text), 5), 'hex'), '{"items":[]}', m.ids, array_fill(now(), ARRAY[cardinality(m.ids)])
  FROM generate_series(1, :customers) n
  CROSS JOIN LATERAL (SELECT array_agg(s.id ORDER BY s.k) AS ids FROM seg_list s
                      WHERE (hashint4(n * 1000 + s.k::int) & 1023) < 123) m;
VACUUM ANALYZE customer_eval_state;
SELECT count(*) AS state_rows, avg(cardinality(segment_ids))::int AS memberships_per_row,
  pg_size_pretty(pg_total_relation_size('customer_eval_state')) AS table_with_toast FROM customer_eval_state;
SQL
echo "load before V60: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
{ echo '\timing on'; cat "$here/../../../src/main/resources/db/migration/V60__memberships_by_segment_number.sql"; } \
  | "${psql[@]}" -1 -v ON_ERROR_STOP=1 2>&1 | grep -E 'Time:|ERROR' | awk '{print "  statement " NR ": " $0}'
end=$(date +%s.%N)
echo "RESULT customers=$customers v60_seconds=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}') load after: $(cut -d' ' -f1-3 /proc/loadavg)"
"${psql[@]}" -At -c "SELECT 'after: ' || pg_size_pretty(pg_total_relation_size('customer_eval_state')) || ', memberships per row ' || avg(cardinality(segment_nums))::int FROM customer_eval_state"

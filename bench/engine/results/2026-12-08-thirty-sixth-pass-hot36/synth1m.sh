#!/usr/bin/env bash
# hot36: in the 1M set's copy (big1m, PostgreSQL on 5491), eval_synth: the 30k seed's 30,000 state rows (~1.5 kB, ~120
# memberships) copied 34 times under other customer ids (1,020,000 rows), as customer_eval_state would be at 1M x 1,000.
set -eu
W=/work/hot36-work
rm -f $W/scratch/pg/postmaster.pid
exec 3< <(sleep 100000); SP=$!
coproc PG { java -cp $W/base.jar $W/tools/Pg.java $W/scratch/pg 5493 <&3; }
read -r line <&${PG[0]}; echo "$line"
B="postgresql://postgres:postgres@127.0.0.1:5491/postgres"
psql -X -q "$B" -c "DROP TABLE IF EXISTS eval_synth30k, eval_synth" -c "CREATE TABLE eval_synth30k (LIKE customer_eval_state)"
psql -X -q "postgresql://postgres:postgres@127.0.0.1:5493/postgres" -c "\copy customer_eval_state TO STDOUT" \
  | psql -X -q "$B" -c "\copy eval_synth30k FROM STDIN"
psql -X -q "$B" -c "CREATE TABLE eval_synth (LIKE customer_eval_state INCLUDING ALL)" \
  -c "INSERT INTO eval_synth (store_id, customer_id, last_seen_at, state, state_bin, cart, segment_nums, segment_since, segment_nums_packed) SELECT s.store_id, s.customer_id || '_' || g, s.last_seen_at, s.state, s.state_bin, s.cart, s.segment_nums, s.segment_since, s.segment_nums_packed FROM eval_synth30k s, generate_series(1, 34) g" \
  -c "VACUUM ANALYZE eval_synth" -c "CHECKPOINT" \
  -c "SELECT count(*), pg_size_pretty(pg_relation_size('eval_synth')) heap, pg_size_pretty(pg_total_relation_size('eval_synth')) total FROM eval_synth"
kill $SP; exec 3<&-; wait

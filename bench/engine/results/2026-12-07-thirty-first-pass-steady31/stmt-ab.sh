#!/usr/bin/env bash
# steady31: the state statement alone, base vs new, EXPLAIN (ANALYZE, BUFFERS, WAL) of generic plans on a copy of the
# 30k seed (V74 applied by hand) with 8 / 36 / 420 real customers whose lists changed by ~20 random flips (K=20), each
# write rolled back, alternating (call under benchlock -x)
U="postgresql://postgres:postgres@127.0.0.1:25432/postgres"
echo "start $(date -u +%T) load: $(cat /proc/loadavg)"
psql -X -q "$U" -At -c "SELECT count(*) FROM information_schema.columns WHERE table_name = 'customer_eval_state' AND column_name = 'segment_nums_packed'" | grep -q 1 \
  || psql -X -q "$U" -f /work/wt/steady31/src/main/resources/db/migration/V74__segment_nums_packed.sql
psql -X -q "$U" -c "VACUUM ANALYZE customer_eval_state, bt2, bt20"
psql -X -q "$U" -f /work/steady31-work/stmt-ab.sql > /work/steady31-work/stmt-ab.out 2>&1
echo "end $(date -u +%T) load: $(cat /proc/loadavg)"

#!/usr/bin/env bash
# hot36: V81's rewrite timed at 1M on a copy of the 1M set (lead33's bench/run.sh COPY seed at V80, PostgreSQL on 5491,
# started by tools/Pg.java with Shoal's settings): V81's three statements as one transaction on customer_eval_state
# (1,000,000 rows of ~117 B: that set has no segments); then eval_synth (tools/synth1m.sh: 1,020,000 rows of the 30k
# x 1,000 seed's state rows, ~1.5 kB, 1.5 GB): VACUUM FULL at fillfactor 100, then V81's statements, then VACUUM FULL
# at 75 for comparison.
set -u
U="postgresql://postgres:postgres@127.0.0.1:5491/postgres"
q() { psql -X -q "$U" -c "$1"; }
t() { local s=$(date +%s.%N); q "$1"; echo "  [$1]: $(echo "$(date +%s.%N) - $s" | bc) s (load $(cut -d' ' -f1 /proc/loadavg))"; }
sz() { q "SELECT pg_size_pretty(pg_relation_size('$1')) heap, pg_relation_size('$1') / 8192 AS pages, reloptions FROM pg_class WHERE relname = '$1'"; }
echo "start $(date -u +%T) load: $(cat /proc/loadavg)"
q CHECKPOINT
sz customer_eval_state
s=$(date +%s.%N)
psql -X -q -1 -v ON_ERROR_STOP=1 "$U" -f /work/wt/hot36/src/main/resources/db/migration/V81__customer_eval_state_room_for_updates.sql
echo "  [V81 on customer_eval_state, one transaction]: $(echo "$(date +%s.%N) - $s" | bc) s"
sz customer_eval_state
q CHECKPOINT
sz eval_synth
t "VACUUM FULL eval_synth"; sz eval_synth; q CHECKPOINT
s=$(date +%s.%N)
sed 's/customer_eval_state/eval_synth/g' /work/wt/hot36/src/main/resources/db/migration/V81__customer_eval_state_room_for_updates.sql \
  | psql -X -q -1 -v ON_ERROR_STOP=1 "$U"
echo "  [V81 on eval_synth, one transaction]: $(echo "$(date +%s.%N) - $s" | bc) s (load $(cut -d' ' -f1 /proc/loadavg))"
sz eval_synth; q CHECKPOINT
t "VACUUM FULL eval_synth"; sz eval_synth
echo "end $(date -u +%T) load: $(cat /proc/loadavg)"

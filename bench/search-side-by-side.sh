#!/usr/bin/env bash
# Search per term class, two running servers on the same data side by side (issue 17, seventh
# pass): baseline and new jar alternate per scenario, the order flipping every round.
#   bench/search-side-by-side.sh BASE_PORT NEW_PORT SEED_DIR OUT.tsv [ROUNDS] [DURATION]
# Both servers must already run (e.g. bench/run.sh --keep-data on copies of one data dir).
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=$1 NEW=$2 SEED=$3 OUT=$4 ROUNDS=${5:-2} DUR=${6:-10}
. "$SEED/store.env"
[ -f "$OUT" ] || printf 'round\tside\tclass\tconns\trequests\tduration_s\trps\tp50_ms\tp90_ms\tp99_ms\tmax_ms\tnon2xx\tsockerr\ttimeouts\tload1\tutc\n' >"$OUT"
one() { # side port class conns
  local r
  r=$(wrk -t2 -c"$4" -d"${DUR}s" --timeout 10s -s bench/wrk/shoal.lua "http://127.0.0.1:$2" -- search \
      "$STORE_ID" "$API_KEY" "$SEED/terms-$3.txt" 2>&1 | grep '^RESULT ' | sed 's/^RESULT //' | tr ' ' '\n' | cut -d= -f2 | paste -sd'\t')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$ROUND" "$1" "$3" "$4" "$r" "$(cut -d' ' -f1 /proc/loadavg)" "$(date -u +%T)" | tee -a "$OUT"
}
for ROUND in $(seq "$ROUNDS"); do
  for conns in 8 64; do
    for class in email surname phone common; do
      # 2 s warm-up of each side's plans and pages, then the measured runs, order flipped per round
      wrk -t2 -c8 -d2s -s bench/wrk/shoal.lua "http://127.0.0.1:$BASE" -- search "$STORE_ID" "$API_KEY" "$SEED/terms-$class.txt" >/dev/null
      wrk -t2 -c8 -d2s -s bench/wrk/shoal.lua "http://127.0.0.1:$NEW" -- search "$STORE_ID" "$API_KEY" "$SEED/terms-$class.txt" >/dev/null
      if [ $((ROUND % 2)) = 1 ]; then one base "$BASE" $class $conns; one new "$NEW" $class $conns
      else one new "$NEW" $class $conns; one base "$BASE" $class $conns; fi
    done
  done
done

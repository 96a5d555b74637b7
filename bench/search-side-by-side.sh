#!/usr/bin/env bash
# Search per term class (and list filters), two running servers on the same data side by side
# (issue 17, seventh and eighth passes): baseline and new jar alternate per scenario, the order
# flipping every round.
#   bench/search-side-by-side.sh BASE_PORT NEW_PORT SEED_DIR OUT.tsv [ROUNDS] [DURATION]
# CLASSES (environment): what to measure, as MODE:NAME, MODE search (terms-NAME.txt) or list
# (queries-NAME.txt); default the four search classes. CONNS: default "8 64".
# Both servers must already run (e.g. bench/run.sh --keep-data on copies of one data dir).
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=$1 NEW=$2 SEED=$3 OUT=$4 ROUNDS=${5:-2} DUR=${6:-10}
CLASSES=${CLASSES:-"search:email search:surname search:phone search:common"}
CONNS=${CONNS:-"8 64"}
. "$SEED/store.env"
[ -f "$OUT" ] || printf 'round\tside\tclass\tconns\trequests\tduration_s\trps\tp50_ms\tp90_ms\tp99_ms\tmax_ms\tnon2xx\tsockerr\ttimeouts\tload1\tutc\n' >"$OUT"
file() { # MODE:NAME -> the file of terms or query strings
  case "${1%%:*}" in search) echo "$SEED/terms-${1#*:}.txt" ;; *) echo "$SEED/queries-${1#*:}.txt" ;; esac
}
one() { # side port class conns
  local r
  r=$(wrk -t2 -c"$4" -d"${DUR}s" --timeout 10s -s bench/wrk/shoal.lua "http://127.0.0.1:$2" -- "${3%%:*}" \
      "$STORE_ID" "$API_KEY" "$(file "$3")" 2>&1 | grep '^RESULT ' | sed 's/^RESULT //' | tr ' ' '\n' | cut -d= -f2 | paste -sd'\t')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$ROUND" "$1" "${3#*:}" "$4" "$r" "$(cut -d' ' -f1 /proc/loadavg)" "$(date -u +%T)" | tee -a "$OUT"
}
for ROUND in $(seq "$ROUNDS"); do
  for conns in $CONNS; do
    for class in $CLASSES; do
      # 2 s warm-up of each side's plans and pages, then the measured runs, order flipped per round
      wrk -t2 -c8 -d2s -s bench/wrk/shoal.lua "http://127.0.0.1:$BASE" -- "${class%%:*}" "$STORE_ID" "$API_KEY" "$(file "$class")" >/dev/null
      wrk -t2 -c8 -d2s -s bench/wrk/shoal.lua "http://127.0.0.1:$NEW" -- "${class%%:*}" "$STORE_ID" "$API_KEY" "$(file "$class")" >/dev/null
      if [ $((ROUND % 2)) = 1 ]; then one base "$BASE" "$class" "$conns"; one new "$NEW" "$class" "$conns"
      else one new "$NEW" "$class" "$conns"; one base "$BASE" "$class" "$conns"; fi
    done
  done
done

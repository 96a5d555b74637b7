#!/bin/bash
# create.sh ROUND DUR CONNS: creates on base (19660) and new (19670), both up; bench/wrk/shoal.lua's create mode
# (as bench/run.sh's create scenario), wrk -t2 -cCONNS, 3 s warm-up of each side, then DUR s a side, order flipped per
# round; req/s, wrk's latency, CPU ms a create of the JVM and its PostgreSQL (/proc), load. Run inside benchlock -x.
ROUND=$1 DUR=$2 CONNS=$3; W=${W:-/work/lists32-work/ab}; OUT=$W/create.tsv; SEED=/work/lists32-work/base-data
LUA=/work/wt/lists32/bench/wrk/shoal.lua
declare -A PORT=([base]=19660 [new]=19670) SPID=([base]=$(cat /work/lists32-work/runs/base.pid) [new]=$(cat /work/lists32-work/runs/new.pid))
. $SEED/bench-seed/store.env
tk() { local t=0; for p in "$@"; do f=($(cut -d')' -f2- /proc/$p/stat 2>/dev/null)); t=$((t + ${f[11]:-0} + ${f[12]:-0})); done; echo $t; }
pgpids() { local pm; pm=$(ss -ltnpH "sport = :$(($1+2))" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2); echo $pm $(pgrep -P $pm); }
[ -f $OUT ] || printf 'round\tside\tconns\trequests\tduration_s\trps\tp50_ms\tp90_ms\tp99_ms\tmax_ms\tnon2xx\tsockerr\ttimeouts\tshoal_ms_req\tpg_ms_req\tload1\tutc\n' > $OUT
one() {
  local port=${PORT[$1]} s0 p0 s1 p1 r n
  s0=$(tk ${SPID[$1]}); p0=$(tk $(pgpids $port))
  r=$(wrk -t2 -c$CONNS -d${DUR}s --timeout 10s -s $LUA http://127.0.0.1:$port -- create $STORE_ID $API_KEY 2>&1 | grep '^RESULT ' | sed 's/^RESULT //' | tr ' ' '\n' | cut -d= -f2 | paste -sd'\t')
  s1=$(tk ${SPID[$1]}); p1=$(tk $(pgpids $port)); n=$(echo "$r" | cut -f1)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$ROUND" "$1" "$CONNS" "$r" "$(python3 -c "print('%.3f' % (($s1-$s0)*10/$n))")" "$(python3 -c "print('%.3f' % (($p1-$p0)*10/$n))")" "$(cut -d' ' -f1 /proc/loadavg)" "$(date -u +%T)" | tee -a $OUT
}
for side in base new; do wrk -t2 -c8 -d3s -s $LUA http://127.0.0.1:${PORT[$side]} -- create $STORE_ID $API_KEY > /dev/null; done
if [ $((ROUND % 2)) = 1 ]; then one base; one new; else one new; one base; fi

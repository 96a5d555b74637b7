#!/usr/bin/env bash
# probe2.sh OUT ROUNDS SPEC...: SPEC = name|jar|datadir|jvm options; each spec in turn per round, on its own data dir (in place),
# MON on. At ready: wall ms, slowest evaluator ms, JVM CPU s, PG CPU s, GC pause ms, load. HIST=1: class histogram at ready.
# (start25's probe.sh / the lead's probe-opts.sh, generalised: jar, data and options per side.)
set -euo pipefail
OUT=$1 ROUNDS=$2; shift 2; mkdir -p $OUT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HZ=$(getconf CLK_TCK)
PID=
trap '[ -z "$PID" ] || { kill $PID 2>/dev/null; wait $PID 2>/dev/null; }' EXIT TERM INT
pg_cpu() { local pm=$1
  { awk '{print $14+$15+$16+$17}' /proc/$pm/stat
    for f in /proc/[0-9]*/stat; do awk -v pm=$pm '$4 == pm {print $14+$15}' "$f" 2>/dev/null; done
  } | awk -v hz=$HZ '{s+=$1} END {printf "%.1f", s/hz}'; }
[ -f $OUT/start.tsv ] || printf 'name\tround\tready_ms\tevaluator_ms\tjvm_cpu_s\tpg_cpu_s\tgc_ms\tload1\n' > $OUT/start.tsv
echo "from $(date -u +%T), load $(cat /proc/loadavg)"
for r in $(seq $((1 + ${R0:-0})) $((ROUNDS + ${R0:-0}))); do
  for spec in "$@"; do
    IFS='|' read -r name jar D OPTS <<<"$spec"
    rm -f $D/pg/postmaster.pid
    http=$(port); pg=$(port)
    t0=$(date +%s%3N)
    SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$http SHOAL_DATA_DIR=$D SHOAL_EMBEDDED_PG_PORT=$pg \
      SHOAL_ADMIN_KEY=bench-admin-key-0123456789 java -Xlog:gc:file=$OUT/gc-$name-$r.log ${GCLOG:-} $OPTS -jar "$jar" >$OUT/shoal-$name-$r.log 2>&1 &
    PID=$!
    python3 /work/start31-work/bin/mon.py $PID $D/pg $OUT/mon-$name-$r.tsv &
    [ "${PGMON:-0}" = 1 ] && python3 /work/start31-work/bin/pgmon.py $D/pg $OUT/pgmon-$name-$r.tsv $PID &
    until curl -m 5 -sf -o /dev/null "http://127.0.0.1:$http/health/ready"; do
      kill -0 $PID 2>/dev/null || { tail -20 $OUT/shoal-$name-$r.log; exit 1; }; sleep 0.05; done
    t1=$(date +%s%3N)
    echo "ready at $(( (t1 - t0) )) ms" > $OUT/ready-$name-$r.txt
    echo "launched at $t0 ms (epoch)" >> $OUT/ready-$name-$r.txt
    grep -E 'Rss|AnonHugePages' /proc/$PID/smaps_rollup >> $OUT/ready-$name-$r.txt 2>/dev/null || true
    cpu=$(awk -v hz=$HZ '{printf "%.1f", ($14+$15)/hz}' /proc/$PID/stat)
    pgc=$(pg_cpu "$(head -1 $D/pg/postmaster.pid)")
    ev=$(grep -o 'ready: [0-9]* customers, log at seq [0-9]*, in [0-9]* ms' $OUT/shoal-$name-$r.log | sed 's/.* in \([0-9]*\) ms/\1/' | sort -n | tail -1)
    gc=$(grep 'Pause' $OUT/gc-$name-$r.log | grep -o '[0-9.]*ms$' | tr -d 'ms' | awk '{s+=$1} END {printf "%.0f", s}')
    [ "${HIST:-0}" = 1 ] && jcmd $PID GC.class_histogram > $OUT/hist-$name-$r.txt 2>&1
    case "$OPTS" in *StartFlightRecording*) jcmd $PID JFR.dump name=s31 filename=$OUT/$name-$r.jfr >/dev/null 2>&1;;
    esac
    [ "${AFTER:-0}" -gt 0 ] && sleep $AFTER
    case x in y) esac
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" $r $((t1-t0)) "$ev" $cpu $pgc "$gc" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a $OUT/start.tsv
    kill $PID; wait $PID 2>/dev/null || true; PID=
    sleep 1
  done
done
echo "until $(date -u +%T), load $(cat /proc/loadavg)"

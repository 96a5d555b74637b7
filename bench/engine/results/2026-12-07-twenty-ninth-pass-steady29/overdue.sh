#!/usr/bin/env bash
# Live latency while the time checks overdue at a start run: each jar starts on a fresh copy of
# start24's 100k x 1,000 set (its checks came due since it was seeded), and as soon as it is ready
# an open-loop LatencyLoad (RATE events/s for DUR s, no warm-up cut) measures 202 -> transition.
# The twenty-sixth pass's (lead) script with this helper's paths, plus the JVM's CPU when the
# overdue checks were done and at the end of the load.
# The copies are made beforehand, outside the bench lock: PREP=1 overdue.sh OUT ROUND SIDE=JAR... makes one
# per side for that round (2.7 GB each); then overdue.sh OUT ROUND SIDE=JAR... runs them, in the order given,
# and deletes each copy after its run.
#   overdue.sh OUT ROUND SIDE=JAR...
set -euo pipefail
OUT=$1; r=$2; shift 2
DATA=/work/start24-work/run100k/data-small
HERE=/work/steady29-work/benchroot/bench/engine
RATE=${RATE:-200}; DUR=${DUR:-30}
source $DATA/bench-store.env
mkdir -p "$OUT"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
for sj in "$@"; do
    side=${sj%%=*}; jar=${sj#*=}
    d=/work/steady29-work/overdue/data-$side-$r
    if [ "${PREP:-0}" = 1 ]; then rm -rf $d; cp -a $DATA $d; rm -f $d/pg/postmaster.pid; cat $d/pg/PG_VERSION >/dev/null; continue; fi
    [ -d $d ] || { echo "no copy $d (PREP=1 first)"; exit 1; }
    http=$(port); pg=$(port); log=$OUT/shoal-$side-$r.log
    t0=$(date +%s%3N)
    SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$http SHOAL_DATA_DIR=$d SHOAL_EMBEDDED_PG_PORT=$pg \
      SHOAL_ADMIN_KEY=bench-admin-key-0123456789 java -XX:MaxTenuringThreshold=1 -Xlog:gc*:file=$OUT/gc-$side-$r.log:utctime,uptime,tags ${EXTRA_JAVA:-} -jar "$jar" >"$log" 2>&1 &
    pid=$!
    until curl -sf -m 5 -o /dev/null "http://127.0.0.1:$http/health/ready"; do
      kill -0 $pid 2>/dev/null || { tail -20 "$log"; exit 1; }; sleep 0.05; done
    t1=$(date +%s%3N)
    echo "$side round $r ready $((t1-t0)) ms load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a $OUT/summary.txt
    EVENTS_OUT=$OUT/events-$side-$r.tsv java -cp "$jar" $HERE/LatencyLoad.java 127.0.0.1 $http $STORE_ID $API_KEY $pg $CUSTOMERS $RATE $DUR 0 \
      "page.viewed:50,cart.updated:20,order.completed:30" 10 > $OUT/lat-$side-$r.txt 2>&1 || true
    grep -E "^LATENCY|^RUN" $OUT/lat-$side-$r.txt | sed "s/^/$side $r /" | tee -a $OUT/summary.txt
    grep -o "time checks due while it was down ran, done [0-9]* ms\|[0-9]* time checks due" $log | tr '\n' ' ' | sed "s/^/$side $r overdue: /" | tee -a $OUT/summary.txt; echo | tee -a $OUT/summary.txt
    echo "$side $r blocked warnings: $(grep -c 'has been blocked' $log)" | tee -a $OUT/summary.txt
    echo "$side $r jvm cpu at the end of the load: $(awk '{printf "%.1f s", ($14+$15)/100}' /proc/$pid/stat)" | tee -a $OUT/summary.txt
    kill $pid; wait $pid 2>/dev/null || true
    rm -rf $d
done

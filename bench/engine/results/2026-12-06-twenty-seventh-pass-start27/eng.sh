#!/usr/bin/env bash
# after counts25's ab.sh: engine 202 -> transition latency at RATES (30 s, 10 s warm-up), 30k x 1,000, a fresh copy of the
# seed per run; the same jar, JVM options per side. ORDER="name=opts;name=opts" (call inside benchlock -x).
set -u
cd /work/start27-work/benchroot
J=/work/start27-work/eng
W=$J/bw
mkdir -p $J/logs $J/events $W
IFS=';' read -ra SIDES <<<"$ORDER"
for spec in "${SIDES[@]}"; do
  side=${spec%%=*}; opts=${spec#*=}
  rm -rf $W/data-small && cp -a /work/start27-work/e30k-seed $W/data-small && rm -f $W/data-small/pg/postmaster.pid
  echo "track_commit_timestamp = on" >> $W/data-small/pg/postgresql.auto.conf
  sync
  tag=$side-lat-$(date -u +%H%M%S)
  echo "=== $side ($opts; ${RATES:-1000}) $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" | tee -a $J/logs/ab.log
  env EVENTS_OUT=$J/events/$tag.tsv JAVA_OPTS="$opts" STEPS=latency LAT_RATES="${RATES:-1000}" LAT_DURATION=${DUR:-30} \
    LAT_WARMUP=10 CUSTOMERS=30000 SEGMENTS=1000 RUNS=1 PROFILE=0 QUIET_MAX=0 WORK_DIR=$W JAR=/work/start27-work/base.jar \
    bench/engine/run.sh --skip-build --reuse-data > $J/logs/run-$tag.log 2>&1
  res=$(ls -td $W/results/2026* | head -1)
  echo "$side $res end $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" >> $J/logs/ab.log
  grep -E "^(latency|ingest)" $res/raw.tsv | cut -c1-600 >> $J/logs/ab.log
done
rm -rf $W/data-small
echo "=== done $(date -u +%H:%M:%S)" >> $J/logs/ab.log

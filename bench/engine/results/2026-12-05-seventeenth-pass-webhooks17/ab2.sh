#!/usr/bin/env bash
# ab.sh, and after each run the webhook deliveries written during the CPU window of each latency
# step (run.sh measures CPU from 13 s to 23 s after the step starts): the run's PostgreSQL 14 data
# dir is opened again (the embedded binaries, under unshare -U as Shoal's embedded server runs) and
# webhook_delivered counted by delivered_at. Usage: ORDER="base new new base" ab2.sh
set -u
cd /work/wt/webhooks17
J=/work/wh17
PGBIN=$(ls -d /tmp/embedded-pg/PG-*/bin | head -1)
mkdir -p $J/logs /tmp/wh17sock && chmod 777 /tmp/wh17sock
for side in ${ORDER:-base new new base}; do
  case $side in base) jar=${BASE:-$J/base-04d2e0f.jar} ;; new) jar=${NEW:-$J/new.jar} ;; *) jar=$J/$side.jar ;; esac
  rm -rf bench/engine/work/data-small && cp -a /work/wh16/data-snap bench/engine/work/data-small
  echo "=== $side $(basename $jar) $(date -u +%H:%M:%S) uptime: $(uptime)" | tee -a $J/logs/ab.log
  WEBHOOKS=10 WEBHOOK_BATCH=100 STEPS=latency LAT_RATES="200 1000" LAT_DURATION=30 LAT_WARMUP=10 CUSTOMERS=30000 \
    SEGMENTS=1000 RUNS=1 PROFILE=0 QUIET_MAX=0 JAR=$jar bench/engine/run.sh --skip-build --reuse-data \
    > $J/logs/run-$side-$(date -u +%H%M%S).log 2>&1
  res=$(ls -td bench/engine/work/results/2026* | head -1)
  echo "$side $res $(date -u +%H:%M:%S)" >> $J/logs/ab.log
  grep -E "latency|webhook|WEBHOOK" $res/raw.tsv | cut -c1-500 >> $J/logs/ab.log
  port=$((50000 + RANDOM % 10000))
  if timeout 120 unshare -U $PGBIN/pg_ctl -D bench/engine/work/data-small/pg -o "-p $port -k /tmp/wh17sock \
      -c listen_addresses=127.0.0.1 -c shared_preload_libraries=" -l $J/logs/pg-count.log -w start >/dev/null; then
    day=$(date -u +%Y-%m-%d)
    grep -E "latency run 1/1: [0-9]+ events/s" $res/run.log | while read -r line; do
      t=$(echo "$line" | sed 's/^\[\([0-9:]*\)\].*/\1/'); rate=$(echo "$line" | sed 's/.*: \([0-9]*\) events.*/\1/')
      n=$(psql -X -At "postgresql://postgres:postgres@127.0.0.1:$port/postgres" -c "SELECT count(*) FROM webhook_delivered
          WHERE delivered_at >= timestamptz '$day $t+00' + interval '13 s' AND delivered_at < timestamptz '$day $t+00' + interval '23 s'")
      echo "delivered_$rate $side window_rows=$n (10 s, the CPU window)" | tee -a $J/logs/ab.log
    done
    unshare -U $PGBIN/pg_ctl -D bench/engine/work/data-small/pg -w stop -m fast >/dev/null
  fi
done
rm -rf bench/engine/work/data-small
echo "=== done $(date -u +%H:%M:%S)" >> $J/logs/ab.log

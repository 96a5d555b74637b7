#!/usr/bin/env bash
# stall24: the runs of ORDER in one bench-lock hold (call as: benchlock -x abround.sh). Each run: a fresh copy of the
# seed (then sync, so that its writeback is done before the run), track_commit_timestamp on,
# -XX:MaxTenuringThreshold=1, STEPS=latency at RATES, 30 s of which 10 s warm-up. SIDES: name=jar[:ENV=V,...]
set -u
cd /work/wt/stall24
J=/work/stall24-work/ab
W=$J/bw
mkdir -p $J/logs $J/events $W
declare -A JARS ENVS
for s in ${SIDES:-base=base new=new}; do n=${s%%=*}; rest=${s#*=}; JARS[$n]=${rest%%:*}; e=""; [[ $rest == *:* ]] && e=${rest#*:}; ENVS[$n]=${e//,/ }; done
for side in ${ORDER:-base new new base}; do
  rm -rf $W/data-small && cp -a /work/stall24-work/seed $W/data-small && rm -f $W/data-small/pg/postmaster.pid
  echo "track_commit_timestamp = on" >> $W/data-small/pg/postgresql.auto.conf
  sync
  tag=$side-$(date -u +%H%M%S)
  echo "=== $side (${JARS[$side]} ${ENVS[$side]}) rates ${RATES:-200 1000} $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" | tee -a $J/logs/ab.log
  env ${ENVS[$side]} EVENTS_OUT=$J/events/$tag.tsv JAVA_OPTS=-XX:MaxTenuringThreshold=1 STEPS=latency LAT_RATES="${RATES:-200 1000}" LAT_DURATION=${DUR:-30} LAT_WARMUP=10 CUSTOMERS=30000 \
    SEGMENTS=1000 RUNS=1 PROFILE=0 QUIET_MAX=0 WORK_DIR=$W JAR=/work/stall24-work/jars/${JARS[$side]}.jar bench/engine/run.sh --skip-build --reuse-data \
    > $J/logs/run-$tag.log 2>&1
  res=$(ls -td $W/results/2026* | head -1)
  echo "$side $res end $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" >> $J/logs/ab.log
  grep -E "^latency" $res/raw.tsv | cut -c1-400 >> $J/logs/ab.log
done
rm -rf $W/data-small
echo "=== done $(date -u +%H:%M:%S)" >> $J/logs/ab.log

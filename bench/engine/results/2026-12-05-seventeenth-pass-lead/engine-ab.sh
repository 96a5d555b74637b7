#!/usr/bin/env bash
# Whole engine, jars side by side on one seeded data set (30,000 customers x 1,000 segments, made once
# with `run.sh CUSTOMERS=30000 SEGMENTS=1000 STEPS=none --keep-data` by the base jar): each run on a
# fresh copy of it, ingest step (single events, then batches), pg_stat_statements kept.
#   engine-ab.sh DATA_DIR OUT_DIR side=jar ...      e.g. base=/path/base.jar new=/path/new.jar new=... base=...
set -u
data="$1"; out="$2"; shift 2
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
mkdir -p "$out"
for pair in "$@"; do
  side="${pair%%=*}"; jar="${pair#*=}"
  t=$(date -u +%H%M%S)
  work="$out/work-$side-$t"
  mkdir -p "$work" && cp -a "$data" "$work/data-small"
  echo "[$(date -u +%T)] $side start, load $(cut -d' ' -f1-3 /proc/loadavg)"
  (cd "$root" && JAR="$jar" WORK_DIR="$work" STEPS=ingest CUSTOMERS=30000 SEGMENTS=1000 RUNS=1 DURATION=20 \
     QUIET_MAX=0 PROFILE=0 timeout 1500 bench/engine/run.sh --skip-build --reuse-data > "$out/$side-$t.log" 2>&1)
  res=$(ls -td "$work"/results/*/ | head -1)
  mkdir -p "$out/$side-$t" && cp "$res"/{summary.txt,raw.tsv,pg-top-ingest.txt} "$out/$side-$t/" 2>/dev/null
  rm -rf "$work"
  echo "[$(date -u +%T)] $side done -> $out/$side-$t, load $(cut -d' ' -f1-3 /proc/loadavg)"
  grep -A4 "== ingest" "$out/$side-$t/summary.txt" | grep -E "achieved|cores|run 1" | head -6
  "$here/../2026-12-05-fifteenth-pass-lead/pgper.sh" "$out/$side-$t"
done

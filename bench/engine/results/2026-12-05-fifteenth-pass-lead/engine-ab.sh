#!/usr/bin/env bash
# Whole-engine bench, sides alternating (worktrees /work/wt/<side> with built jars). Usage: engine-ab.sh ORDER...  (e.g. base new new base)
set -u
OUT=/work/notes/drafts/engine-ab-results
mkdir -p "$OUT"
for side in "$@"; do
  dir=/work/wt/$side
  rev=$(git -C "$dir" rev-parse --short HEAD)
  t=$(date -u +%H%M)
  echo "[$(date -u +%T)] $side $rev start, load $(cut -d' ' -f1-3 /proc/loadavg)"
  (cd "$dir" && STEPS=ingest CUSTOMERS=30000 SEGMENTS=1000 RUNS=1 DURATION=20 QUIET_MAX=120 \
     timeout 1500 bench/engine/run.sh --skip-build > "$OUT/$side-$rev-$t.log" 2>&1)
  res=$(ls -td "$dir"/bench/engine/work/results/*/ | head -1)
  mkdir -p "$OUT/$side-$rev-$t" && cp "$res"/{summary.txt,raw.tsv,pg-top-ingest.txt,profile-ingest-single.txt,profile-ingest-batch.txt} "$OUT/$side-$rev-$t/" 2>/dev/null
  rm -rf "$dir"/bench/engine/work/data-* 
  echo "[$(date -u +%T)] $side $rev done -> $OUT/$side-$rev-$t"
  grep -A3 "== ingest single" "$OUT/$side-$rev-$t/summary.txt" | tail -2
done

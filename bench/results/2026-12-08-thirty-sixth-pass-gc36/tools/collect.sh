#!/bin/bash
# collect.sh: the raw files of every start into the worktree's results dir (data dirs are not copied).
R=/work/wt/gc36/bench/results/2026-12-08-thirty-sixth-pass-gc36
mkdir -p $R/tools
cp /work/gc36-work/tools/*.sh /work/gc36-work/tools/*.py $R/tools/
for d in d1 d2 r1b r1n r2b r2n; do
  S=/work/gc36-work/$d; [ -d $S ] || continue
  mkdir -p $R/$d
  cp $S/run.log $S/run.txt $S/vmstat.txt $R/$d/ 2>/dev/null
  [ -f $S/gaps.txt ] && cp $S/gaps.txt $R/$d/
  gzip -c $S/gc.log > $R/$d/gc.log.gz
  [ -f $S/tasks.txt ] && gzip -c $S/tasks.txt > $R/$d/tasks.txt.gz
  cat $S/pglog/*.log > $R/$d/postgresql.log
  res=$(ls -d $S/results-r1/* $S/results/* 2>/dev/null | head -1)
  [ -n "$res" ] && cp $res/raw.tsv $res/report.md $res/env.txt $R/$d/
  grep -v '^\s*at \|^java\.\|^Caused\|^\s*\.\.\.' $S/logs/shoal.log | head -200 > $R/$d/shoal-head.log
done
T=$(ls -d /work/gc36-work/r1b/results/2*/ | head -1); mkdir -p $R/tooltest; cp $T/raw.tsv $T/report.md $T/gc.log $R/tooltest/
cp /work/gc36-work/summary.txt /work/gc36-work/sat.txt $R/ 2>/dev/null
du -sh $R

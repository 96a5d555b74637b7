#!/usr/bin/env bash
# lead31: bench/run.sh in full at 1M (issue 17's "Show it"), on a copy of search28's 1M seed, final main's jar,
# inside benchlock -x, nothing else running. RUNS=2 (time left in the session), every scenario, 64 and 8 connections.
cd /work/wt/suite31
echo "start $(date -u +%T) load $(cat /proc/loadavg) main $(git rev-parse --short HEAD)"
WORK_DIR=/work/lead31-work/bench RUNS=2 QUIET_MAX=0 bench/run.sh --keep-data --skip-build
echo "end $(date -u +%T) rc=$? load $(cat /proc/loadavg)"

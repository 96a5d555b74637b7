#!/bin/bash
# One side-by-side run (one bench-lock hold): base = main 2fef24a's jar, new = branch search23's jar, on a fresh
# cp -a of the 1M seed (lead19's, seed 42); bench/search-1m.sh with email and surname at 8 and 64 connections,
# ROUNDS rounds x 10 s, sides alternating (order flipped per round), then CPU per create of both sides.
set -e
cd /work/wt/search23
W=/work/search23-work/ab/s1m
uptime
rm -rf $W/data && mkdir -p $W && cp -a /work/lead19-work/bw/data $W/data
WORK_DIR=$W CLASSES="search:email search:surname" CONNS="8 64" CREATE_ROUNDS=${CREATE_ROUNDS:-2} CREATE_MODE=create_short \
  JAVA_OPTS=-XX:MaxTenuringThreshold=1 \
  bench/search-1m.sh /work/search23-work/jars/base-2fef24a.jar /work/search23-work/jars/new.jar ${ROUNDS:-2} 10
uptime

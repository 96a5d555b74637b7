#!/bin/bash
# One side-by-side run (one bench-lock hold): base = main a3dfdf1's jar, new = branch search24's jar, on a fresh
# cp -a of the 1M seed (seed 42); bench/search-1m.sh with email and surname at 8 and 64 connections,
# ROUNDS rounds x 10 s, sides alternating (order flipped per round). (search23's ab.sh, own paths and ports.)
set -e
cd /work/wt/search24
W=/work/search24-work/ab/s1m
uptime
rm -rf $W/data && mkdir -p $W && cp -a /work/search24-work/seed/data $W/data
WORK_DIR=$W CLASSES="search:email search:surname" CONNS="8 64" CREATE_ROUNDS=0 BASE_PORT=18480 NEW_PORT=18490 \
  JAVA_OPTS=-XX:MaxTenuringThreshold=1 \
  bench/search-1m.sh /work/search24-work/jars/base-a3dfdf1.jar /work/search24-work/jars/${NEW_JAR:-new-83dd9dd.jar} ${ROUNDS:-3} 10
uptime

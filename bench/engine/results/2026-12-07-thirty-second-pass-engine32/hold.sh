#!/usr/bin/env bash
# one bench-lock hold: latency (ab.sh) in LORDER, then ingest (one.sh) in IORDER
cd /work/engine32-work && ORDER="$LORDER" ./ab.sh && ORDER="$IORDER" ./one.sh

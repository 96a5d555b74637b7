#!/usr/bin/env bash
# engine33 step 2, one bench-lock hold: latency at 1,000/s (ab2.sh) in LORDER, then single-event ingest (one2.sh) in IORDER
cd /work/engine33-work && ORDER="$LORDER" ./ab2.sh && ORDER="$IORDER" ./one2.sh

#!/usr/bin/env bash
# hot36: one side-by-side round (one bench-lock hold): single-event ingest at 30k x 1,000 for each side in ORDER (one.sh)
cd /work/hot36-work && ORDER="$ORDER" tools/one.sh

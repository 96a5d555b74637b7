#!/usr/bin/env bash
# sets35: one side-by-side round (one bench-lock hold): single-event ingest at 30k x 1,000 for each side in ORDER (one.sh)
cd /work/sets35-work && ORDER="$ORDER" ./one.sh

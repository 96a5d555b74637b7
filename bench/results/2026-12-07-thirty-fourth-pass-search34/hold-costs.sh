#!/bin/bash
# one hold: per-term statement costs on the 1M copy (PostgreSQL by hand, nothing else measuring)
cd /work/search34-work
echo "start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
N=20 python3 scripts/costs.py 54341 results/costs-$1.tsv
echo "end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"

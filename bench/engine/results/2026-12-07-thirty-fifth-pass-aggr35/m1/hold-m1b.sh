#!/usr/bin/env bash
# aggr35: the 1M reads with the branch's third jar (new3.jar: customer_orders without parallel scans, every-match
# statements probing the aggregates by key) on a fresh copy of the same 1M set (migrated to V80 at its start)
cd /work/aggr35-work/m1
./m1.sh /work/aggr35-work/new3.jar new3

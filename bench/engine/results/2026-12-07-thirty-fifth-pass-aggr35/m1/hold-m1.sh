#!/usr/bin/env bash
# aggr35: one bench-lock hold: the 1M reads with main's jar (V79 copy), then with the branch's jar (migrates the same
# copy to V80 at its start: the migration's time is in its log)
cd /work/aggr35-work/m1
./m1.sh /work/aggr35-work/base.jar base
./m1.sh /work/aggr35-work/new2.jar new

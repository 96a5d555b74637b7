#!/usr/bin/env bash
# prep.sh : fresh copies of the seed for both sides (outside the bench lock: disk only), pg_stat_statements loaded
set -euo pipefail
W=/work/create32-work; SRC=${SRC:-$W/bench/data}
for s in ${SIDES:-base new}; do
  rm -rf $W/d-$s; cp -a $SRC $W/d-$s; rm -f $W/d-$s/pg/postmaster.pid
  echo "shared_preload_libraries = 'pg_stat_statements'" >> $W/d-$s/pg/postgresql.auto.conf
done

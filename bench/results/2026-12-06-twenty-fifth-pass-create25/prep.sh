#!/usr/bin/env bash
# prep.sh : fresh copies of the seed for both sides (outside the bench lock: disk only), pg_stat_statements loaded
set -euo pipefail
W=/work/create25-work; SRC=${SRC:-/work/search24-work/seed/data}
for s in ${SIDES:-base new}; do
  rm -rf $W/d-$s${DSUF:-}; cp -a $SRC $W/d-$s${DSUF:-}; rm -f $W/d-$s${DSUF:-}/pg/postmaster.pid
  echo "shared_preload_libraries = 'pg_stat_statements'" >> $W/d-$s${DSUF:-}/pg/postgresql.auto.conf
done

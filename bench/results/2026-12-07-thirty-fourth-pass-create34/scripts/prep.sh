#!/usr/bin/env bash
# prep.sh : fresh copies of the seed for the three sides (outside the bench lock: disk only), pg_stat_statements
# loaded. The seed's pg directory is owned by the postgres user; the embedded PostgreSQL of this machine runs as
# root and refuses a data directory it does not own ("Gave up waiting for server to start after 10000ms"), so the
# copies are given to root.
set -euo pipefail
W=/work/create34-work; SRC=${SRC:-/work/lead33-work/bench/data}
for d in ${DIRS:-d-base d-new}; do
  rm -rf $W/$d; cp -a $SRC $W/$d; rm -f $W/$d/pg/postmaster.pid
  echo "shared_preload_libraries = 'pg_stat_statements'" >> $W/$d/pg/postgresql.auto.conf
  chown -R root:root $W/$d/pg
done

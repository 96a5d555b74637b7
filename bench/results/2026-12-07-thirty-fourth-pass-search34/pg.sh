#!/bin/bash
# pg.sh start|stop DATA_DIR PORT: the embedded PostgreSQL binary on a copy, by hand, with pg_stat_statements
PGB=/tmp/embedded-pg/PG-3f56119e081746ae724788ccb91a76e2/bin
D=$2/pg; PORT=$3
case $1 in
start) chown -R postgres:postgres $D; rm -f $D/postmaster.pid
  runuser -u postgres -- $PGB/pg_ctl -D $D -o "-p $PORT -k /tmp -c shared_buffers=256MB -c max_connections=300 -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all" -l /tmp/search34-pg-$PORT.log start -w >/dev/null && echo started;;
stop) runuser -u postgres -- $PGB/pg_ctl -D $D stop -w -m fast >/dev/null; chown -R root:root $D; echo stopped;;
esac

#!/usr/bin/env bash
# vac.sh DATADIR: VACUUM (ANALYZE) customer_eval_state and CHECKPOINT on a stopped copy, by hand (postgres user)
set -euo pipefail
D=$1; PGB=$(ls -d /tmp/embedded-pg/PG-*/bin)
rm -f $D/pg/postmaster.pid; chown -R postgres:postgres $D/pg
runuser -u postgres -- $PGB/pg_ctl -D $D/pg -o "-p 55329 -c listen_addresses=127.0.0.1" -l /tmp/start29-vac.log start -w >/dev/null
P="psql -h 127.0.0.1 -p 55329 -U postgres -X -q"
$P -c '\timing on' -c 'VACUUM (ANALYZE) customer_eval_state' -c 'CHECKPOINT' \
  -c "select count(*) total, count(segment_nums_packed) packed from customer_eval_state" 2>&1 || true
$P -c "select pg_size_pretty(pg_relation_size('customer_eval_state'))"
runuser -u postgres -- $PGB/pg_ctl -D $D/pg stop -m fast >/dev/null
chown -R root:root $D/pg

#!/usr/bin/env bash
# engine34 micro (run under benchlock -x): a copy of the 30k seed on a scratch PostgreSQL (the embedded binary, fsync on,
# synchronous_commit off so that the statement's CPU, not the commit's fsync, paces it); each variant 15 s of pgbench
# (1 client, prepared), rounds rotating the order; tps and WAL bytes / full-page images per statement (pg_stat_wal).
set -u
S=/work/engine34-work
cd $S/micro
rm -rf d && mkdir d && cp -a $S/seed-base/pg d/pg
$S/pgup.sh d 55435
U="postgresql://postgres:postgres@127.0.0.1:55435/postgres"
psql -X -q "$U" -c "ALTER SYSTEM SET synchronous_commit = off" -c "SELECT pg_reload_conf()" >/dev/null
psql -X -q "$U" -c "CHECKPOINT" >/dev/null
for r in 1 2 3; do
  case $r in 1) L="conflict-rand plain-rand conflict-ordered plain-ordered";; 2) L="plain-ordered conflict-ordered plain-rand conflict-rand";; 3) L="conflict-ordered plain-rand plain-ordered conflict-rand";; esac
  for v in $L; do
    w0=$(psql -X -At "$U" -c "SELECT wal_bytes || ' ' || wal_fpi || ' ' || wal_records FROM pg_stat_wal")
    out=$(pgbench -n -M prepared -c 1 -T 15 -f v-$v.sql "$U" 2>&1)
    w1=$(psql -X -At "$U" -c "SELECT wal_bytes || ' ' || wal_fpi || ' ' || wal_records FROM pg_stat_wal")
    tx=$(echo "$out" | awk '/number of transactions actually processed/ {print $NF}' | cut -d/ -f1)
    tps=$(echo "$out" | awk '/^tps/ {print $3; exit}')
    echo "$r $v tps=$tps tx=$tx load=$(cut -d' ' -f1 /proc/loadavg) $(python3 -c "a='$w0'.split(); b='$w1'.split(); t=int('$tx' or 1); print('wal_B_per_tx=%.0f fpi_per_tx=%.2f rec_per_tx=%.1f' % ((float(b[0])-float(a[0]))/t, (int(b[1])-int(a[1]))/t, (int(b[2])-int(a[2]))/t))")"
  done
done
psql -X -q "$U" -c "SELECT relname, pg_size_pretty(pg_relation_size(oid)) FROM pg_class WHERE relname IN ('events_store_id_id_key','notifications_id','events_by_customer','events_pkey')"
$S/pgdown.sh d
rm -rf d

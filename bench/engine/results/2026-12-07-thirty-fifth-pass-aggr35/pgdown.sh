#!/usr/bin/env bash
B=$(ls -d /tmp/embedded-pg/PG-*/bin | head -1)
runuser -u postgres -- $B/pg_ctl -D $1/pg -m fast stop >/dev/null; chown -R root $1/pg

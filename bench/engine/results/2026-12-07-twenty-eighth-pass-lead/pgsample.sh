#!/usr/bin/env bash
# samples pg_stat_activity of the sync-live run's PostgreSQL every 250 ms until killed
OUT=$1
while true; do
  port=$(ps -eo args | grep -o 'data-run/pg.* -p [0-9]*' | grep -o '[0-9]*$' | head -1)
  [ -z "$port" ] && port=$(ps -eo args | grep 'postgres.*data-run' | grep -o '\-p [0-9]*' | head -1 | cut -d' ' -f2)
  if [ -n "$port" ]; then
    PGPASSWORD=postgres psql -w -X -q -A -t -h 127.0.0.1 -p "$port" -U postgres -c "SELECT to_char(clock_timestamp(),'HH24:MI:SS.MS'), pid, state, wait_event_type, wait_event, round(extract(epoch from clock_timestamp()-query_start)*1000), left(regexp_replace(query, '\s+', ' ', 'g'), 90) FROM pg_stat_activity WHERE state <> 'idle' AND pid <> pg_backend_pid() AND backend_type = 'client backend'" >> $OUT 2>/dev/null
  fi
  sleep 0.25
done

#!/bin/bash
# One bench-lock hold: the page statements at 1M in psql, on a cp -a copy of the seed served by Shoal's own
# embedded PostgreSQL (new1.jar started on it): PREPARE, 7 executions, EXPLAIN (ANALYZE, BUFFERS) of two more.
W=/work/lists23-work/exp
echo "start $(date -u +%T) $(uptime)"
rm -rf $W && mkdir -p $W && cp -a /work/lead19-work/bw/data $W/data
SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=18580 SHOAL_DATA_DIR=$W/data SHOAL_EMBEDDED_PG_PORT=18582 SHOAL_PG_URL= \
  SHOAL_ADMIN_KEY= setsid java -jar /work/lists23-work/jars/new1.jar > $W/shoal.log 2>&1 < /dev/null &
pid=$!
for i in $(seq 600); do curl -sf -m 10 -o /dev/null "http://127.0.0.1:18580/health/ready" && break; sleep 0.5; done
echo "ready $(date -u +%T)"
PGPASSWORD=postgres psql -h 127.0.0.1 -p 18582 -U postgres -d postgres -f /work/lists23-work/exp.sql > /work/lists23-work/exp.out 2>&1
kill $pid; for i in $(seq 60); do kill -0 $pid 2>/dev/null || break; sleep 1; done
rm -rf $W
echo "end $(date -u +%T) $(uptime)"

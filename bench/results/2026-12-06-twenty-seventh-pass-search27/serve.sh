#!/bin/bash
# serve.sh NAME JAR PORT: fresh cp -a of the 1M seed to /work/search27-work/runs/NAME, pg_stat_statements on,
# start JAR on PORT (PostgreSQL on PORT+2), wait until ready; pid in runs/NAME/pid
set -e
name=$1 jar=$2 port=$3; R=/work/search27-work/runs/$name
rm -rf $R && mkdir -p $R && cp -a /work/search24-work/seed/data $R/data && cp $jar $R/server.jar
printf "shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track_planning = on\npg_stat_statements.max = 2000\n" >> $R/data/pg/postgresql.auto.conf
T0=$(date +%s)
SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$port SHOAL_DATA_DIR=$R/data SHOAL_EMBEDDED_PG_PORT=$((port+2)) SHOAL_PG_URL= SHOAL_ADMIN_KEY= \
  setsid java -XX:MaxTenuringThreshold=1 -jar $R/server.jar > $R/server.log 2>&1 < /dev/null &
echo $! > $R/pid
for _ in $(seq 1200); do curl -sf -m 10 -o /dev/null "http://127.0.0.1:$port/health/ready" && break; sleep 0.5; done
echo "$name ready after $(( $(date +%s) - T0 )) s"
PGPASSWORD=postgres psql -w -h 127.0.0.1 -p $((port+2)) -U postgres -d postgres -Xqc "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"

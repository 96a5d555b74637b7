#!/bin/bash
# start2.sh: base (jars/base.jar, pool 8) on base-data :19560 and new (NEWJAR, pool $NEWPOOL) on new-data :19570, one after the other
cd /work/lists31-work
tools/serve.sh base jars/base.jar /work/lists31-work/base-data 19560 "-Xlog:gc:file=/work/lists31-work/runs/base-gc2.log:time,uptime"
SHOAL_PG_POOL_SIZE=$NEWPOOL tools/serve.sh new $NEWJAR /work/lists31-work/new-data 19570 "-Xlog:gc:file=/work/lists31-work/runs/new-gc.log:time,uptime"

#!/usr/bin/env bash
# Per thread of a JFR recording: all execution samples, those in a partition's work (io.shoal.segment.eval),
# in the API's request handling (io.shoal.http), and in the PostgreSQL client's reading of replies
# (io.vertx.pgclient.impl.codec: decoding what a connection received, on the loop its channel is registered on).
jfr print --stack-depth 64 --events jdk.ExecutionSample "$1" | awk '
  function flush() { if (t != "") { all[t]++; if (ev) e[t]++; if (ht) h[t]++; if (pg) p[t]++ } }
  /jdk.ExecutionSample/ { flush(); t = ""; ev = ht = pg = 0; next }
  /sampledThread = / { t = $0; sub(/.*sampledThread = "/, "", t); sub(/".*/, "", t) }
  /io\.shoal\.segment\.eval\.(SegmentEvaluatorVerticle|PartitionCore|BatchWriter|BackfillPasses|EvaluationStore)\./ { ev = 1 }
  /io\.shoal\.http\./ { ht = 1 }
  /io\.vertx\.pgclient\.impl\.codec\./ { pg = 1 }
  END { flush(); printf "%-34s %8s %10s %10s %12s\n", "thread", "samples", "partition", "http", "pg decode";
        for (x in all) if (all[x] >= 5) printf "%-34s %8d %10d %10d %12d\n", x, all[x], e[x], h[x], p[x] }' | sort -k2 -rn

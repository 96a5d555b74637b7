#!/usr/bin/env bash
# Recommendation quality: leave-last-order-out hit rate at K (default 10) of the item-to-item
# co-purchase model against the popularity baseline, on cdnow-baskets (CDNOW's real orders with
# synthetic products; see src/test/java/io/shoal/recommend/CdnowBaskets.java). Offline.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -o test-compile -Dcodegen.skip=true
# offline first; a fresh ~/.m2 lacks the dependency plugin's own dependencies
mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null 2>&1 || mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null
echo "load: $(uptime)"
java -cp "target/classes:target/test-classes:$(cat target/cp.txt)" io.shoal.recommend.CdnowBaskets "${1:-10}"

#!/usr/bin/env bash
# get32 hold 2: the branch's three test classes, then A/B round 3 (base, new) if it can end before 14:35 UTC
cd /work/wt/get32 && echo "tests $(date -u +%T)"
mvn -B -o test -Dtest='CachedGetTest,ConnectionSafeMetricsTest,StoreKeysTest' > /work/get32-work/ab/tests-hold2.log 2>&1
grep -E "Tests run:|FAIL" /work/get32-work/ab/tests-hold2.log | tail -3
if [ "$(date -u +%H%M)" -le 1426 ]; then
  export PROBES=0
  /work/get32-work/ab/getab.sh 3 base new
fi
echo "done $(date -u +%T)"

#!/usr/bin/env bash
# get32 hold 1: build get32's jar, then A/B rounds 1-3 (base, new | new, base | base, new), each run a fresh server
cd /work/wt/get32 || exit 1
echo "build $(date -u +%T)"
mvn -B -o -q package -DskipTests > /work/get32-work/ab/build.log 2>&1 || { echo build failed; exit 1; }
cp target/shoal.jar /work/get32-work/get32.jar
export PROBES=0
/work/get32-work/ab/getab.sh 1 base new
/work/get32-work/ab/getab.sh 2 new base
/work/get32-work/ab/getab.sh 3 base new
echo "tests $(date -u +%T)"
mvn -B -o test -Dtest='CachedGetTest,ConnectionSafeMetricsTest,StoreKeysTest,StoresAndKeysTest,PublishableKeyTest,CachedCustomerReadsTest,OpsEndpointsTest,ArchitectureTest' > /work/get32-work/ab/tests-hold1.log 2>&1
grep -E "Tests run:|FAIL" /work/get32-work/ab/tests-hold1.log | tail -3
echo "done $(date -u +%T)"

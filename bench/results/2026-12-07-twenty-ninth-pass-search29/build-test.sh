#!/bin/bash
# one shared hold: the branch's jar, then the tests of what it touches
cd /work/wt/search29
echo "build start $(date -u +%T) load $(cat /proc/loadavg)"
mvn -B -o -q package -DskipTests > /work/search29-work/build-new.log 2>&1 || { echo "build failed"; exit 1; }
cp target/shoal.jar /work/search29-work/jars/new.jar
echo "jar $(git rev-parse --short HEAD)+worktree $(date -u +%T)"
mvn -B -o test -Dtest='CustomerListingTest,CachedCustomerReadsTest,CustomerSearchTest,CustomerPaginationTest,CustomersTest,TrigramStatsTest,TableOwnershipTest,ArchitectureTest,ErasureTest,ErasureCrashTest,OutboxErasureTest,VisitorMergeTest,ExportTest' > /work/search29-work/$1 2>&1
echo "tests rc=$? $(date -u +%T)"

#!/bin/bash
# one exclusive hold (the lock queue was ~5 holds deep, so the tests run in it, beside the servers' start):
# the tests of what search28 touches, then base (main f91a128) vs new (search28) side by side, surnames at 64
# and 8 connections, 3 rounds x 10 s alternating, then creates at 64 connections (3 rounds x 10 s)
cd /work/search28-work
echo "hold start $(date -u +%T) load $(cat /proc/loadavg)"
touch tests.running
( cd /work/wt/search28 && mvn -B -o test -Dtest='CustomerListingTest,CachedCustomerReadsTest,CustomerSearchTest,CustomerPaginationTest,CustomersTest,TrigramStatsTest,TableOwnershipTest,ArchitectureTest,ErasureTest,ErasureCrashTest,OutboxErasureTest,VisitorMergeTest,ExportTest' > /work/search28-work/test3.log 2>&1
  echo "tests rc=$? $(date -u +%T)" >> /work/search28-work/test3.log; rm -f /work/search28-work/tests.running ) &
SEED_NEW=/work/search28-work/seed-v72 NEW_JAR=/work/search28-work/jars/new.jar AFTER="create:create@64" WAIT_FOR=/work/search28-work/tests.running \
  tools/ab.sh s1 3 10 "search:surname" "64 8"
wait
echo "hold end $(date -u +%T) load $(cat /proc/loadavg)"
# appended during the hold (main moved during it): the same tests on the commit rebased onto main d7c4c1a, in the same hold
( cd /work/wt/search28 && mvn -B -o test -Dtest='CustomerListingTest,CachedCustomerReadsTest,CustomerSearchTest,CustomerPaginationTest,CustomersTest,TrigramStatsTest,TableOwnershipTest,ArchitectureTest,ErasureTest,ErasureCrashTest,OutboxErasureTest,VisitorMergeTest,ExportTest' > /work/search28-work/test4.log 2>&1
  echo "tests rc=$? $(date -u +%T)" >> /work/search28-work/test4.log )
echo "rebased tests done $(date -u +%T)"
# appended during the hold: creates (the first try read /dev/null, which shoal.lua refuses): fresh copies, 3 rounds x 10 s at 64
SEED_NEW=/work/search28-work/seed-v72 NEW_JAR=/work/search28-work/jars/new.jar \
  tools/ab.sh c1 3 10 "create:create" "64"
echo "creates done $(date -u +%T) load $(cat /proc/loadavg)"

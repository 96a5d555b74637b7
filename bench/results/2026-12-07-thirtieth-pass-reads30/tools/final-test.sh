#!/bin/bash
# one shared hold: the tests of what the branch touches, on the rebased commit
cd /work/wt/reads30
echo "tests of $(git rev-parse --short HEAD) start $(date -u +%T) load $(cat /proc/loadavg)"
mvn -B -o test -Dtest='CustomerListingTest,CachedCustomerReadsTest,CustomerPaginationTest,CustomerSearchTest,CustomersTest,SegmentMembershipFunctionsTest,MembershipIntegrityTest,TableOwnershipTest,ArchitectureTest' > /work/reads30-work/test3.log 2>&1
echo "tests rc=$? $(date -u +%T)"

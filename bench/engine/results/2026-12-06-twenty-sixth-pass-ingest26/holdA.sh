#!/usr/bin/env bash
# ingest26 hold A: eight runs with 1,000 segments (with the base run of 18:48, three a side, alternating), one ingest-cpu round.
J=/work/ingest26-work
for side in one wake wake one base one base wake; do $J/one-run.sh $side 0; done
$J/ic-round.sh base one wake
# appended 19:34: the landing candidate's tests (one26 = main + the one-statement commit) in this hold
cd /work/wt/ingest26 && git checkout -q one26 && git log --oneline -1 > /work/ingest26-work/tests-one-1.log && (time mvn -B -o test -Dtest='PgEventLogContractTest,PgEventLogInTransactionContractTest,EventIngestionTest,IngestAdmissionTest,ArchitectureTest,TableOwnershipTest,CrashSafetyTest,RestartTest,KafkaModeIngestionTest,EventStreamTest,AutomationFlowsTest,CouponsTest,AttributionTest' -Dsurefire.failIfNoSpecifiedTests=false) >> /work/ingest26-work/tests-one-1.log 2>&1
# appended 19:35: the totals scratch (a copy of the seed; ~1 min)
echo "=== totals $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" >> $J/logs/ic.log
$J/totals/run.sh 20 > $J/totals/out.log 2>&1
echo "=== end totals $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" >> $J/logs/ic.log
# appended 19:38: main moved (start26 landed): the rebased one26's tests, in this hold
cd /work/wt/ingest26 && git log --oneline -1 > /work/ingest26-work/tests-one-2.log && (time mvn -B -o test -Dtest='PgEventLogContractTest,PgEventLogInTransactionContractTest,EventIngestionTest,IngestAdmissionTest,ArchitectureTest,TableOwnershipTest,CrashSafetyTest,RestartTest,KafkaModeIngestionTest,EventStreamTest,AutomationFlowsTest,CouponsTest,AttributionTest' -Dsurefire.failIfNoSpecifiedTests=false) >> /work/ingest26-work/tests-one-2.log 2>&1
# appended 19:38: the totals scratch again (fixed: the server's log inside its own directory, the system psql)
echo "=== totals $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" >> $J/logs/ic.log
$J/totals/run.sh 20 > $J/totals/out.log 2>&1
echo "=== end totals $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" >> $J/logs/ic.log

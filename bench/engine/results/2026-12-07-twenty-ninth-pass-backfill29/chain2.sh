#!/usr/bin/env bash
# chain2.sh: the fix (rowStored for customers loaded packed): tests + jar in one shared hold, then newfix and basefix
W=/work/backfill29-work
cd /work/wt/backfill29
/work/notes/benchlock -s mvn -B -o package -Dtest='BackfillCrashTest,BackfillPassesTest,BackfillConnectionsTest,EvaluationStoreTest,PartitionCoreTest,RestartTest,CrashSafetyTest,MembershipsMigrationTest,LiveWorkFirstTest,ArchitectureTest,StartLoadTest' > $W/test6.log 2>&1
rc=$?
echo "rc=$rc" >> $W/test6.log
echo "tests end $(date -u +%T) rc=$rc" >> $W/runs.log
[ $rc = 0 ] || exit 1
cp target/shoal.jar $W/newfix.jar || exit 1
touch $W/copyA.used
$W/bin/one.sh newfix-1 $W/newfix.jar $W/copyA
$W/bin/one.sh basefix-1 $W/base.jar $W/copyA
echo "chain2 end $(date -u +%T)" >> $W/runs.log

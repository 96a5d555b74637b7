#!/usr/bin/env bash
cd /work/wt/start28c
date
mvn -B -o test -Dtest='SharedCustomerScanTest,StartLoadTest,PackedCustomerStateTest,RestartTest,CrashSafetyTest,PartitionCoreTest,CustomerStateBytesTest,EvaluationStoreTest,CustomerNumbersTest,GracefulStopTest,ApiContractReadTest,OpsEndpointsTest,ReadinessTest,ShoalStartTest,ContractExamplesTest,ArchitectureTest,CustomerMetricsApiTest,BackfillPassesTest' 2>&1 | grep -E 'Tests run:|FAIL|ERROR' | head -40
date

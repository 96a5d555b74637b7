#!/usr/bin/env bash
cd /work/wt/start28c
date
mvn -B -o test -Dtest='ApiContractReadTest,OpsEndpointsTest,ReadinessTest' 2>&1 | grep -E 'Tests run:|FAIL|ERROR' | head -20
mvn -B -o -q package -DskipTests 2>&1 | grep -E 'ERROR' | head
cp target/shoal.jar /work/start28-work/new3.jar
date

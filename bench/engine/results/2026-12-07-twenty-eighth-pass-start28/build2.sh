#!/usr/bin/env bash
cd /work/wt/start28
date
mvn -B -o test -Dtest='SharedCustomerScanTest,StartLoadTest,PackedCustomerStateTest' 2>&1 | grep -E 'Tests run:|FAIL|ERROR' | head -20
mvn -B -o -q package -DskipTests 2>&1 | grep -E 'ERROR' | head
cp target/shoal.jar /work/start28-work/new2.jar
date

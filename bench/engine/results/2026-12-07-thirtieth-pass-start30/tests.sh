#!/usr/bin/env bash
cd /work/wt/start30
echo "tests start $(date -u +%T) load $(cat /proc/loadavg)"
mvn -B -o test -Dtest='io.shoal.segment.eval.*Test,RestartTest,CrashSafetyTest,ArchitectureTest,CustomerMetricsApiTest,IncrementalEvaluationTest,SegmentsApiTest,CdnowReplayTest,WebhookDeliveryTest,AudiencesTest'
echo "rc=$? tests end $(date -u +%T) load $(cat /proc/loadavg)"

#!/bin/bash
cd /work/lists31-work; tools/warm.sh 19560 19570 > $W/warm.out 2>&1
tools/round.sh 1 8 "list:metadata list:tags list:created list:segment search:surname" "8 64"

#!/usr/bin/env bash
# round 3, shortened (the landing time): single-event ingest alone, new then base
cd /work/engine32-work && ORDER="new base" MODES=single ./one.sh

#!/usr/bin/env bash
# steady31: one hold: the state statement alone (stmt-ab.sh, rows warmed before each rep, variants rotated), then
# single-event ingest new then base (one.sh)
/work/steady31-work/stmt-ab.sh
cd /work/steady31-work && ORDER="new base" ./one.sh

#!/usr/bin/env python3
# engine32: per run, PostgreSQL ms an event (the evaluator's and ingest's statements summed) and WAL an event in all
# (pg_stat_wal over the step) from pg-io-*.txt and its pg-wal-*.txt; events = rows of the event inserts
import sys, re, glob
for io in sys.argv[1:]:
    rows = []
    for line in open(io):
        p = [x.strip() for x in line.split('|')]
        if len(p) >= 11 and p[0].isdigit(): rows.append(p)
    ev = sum(int(r[2]) for r in rows if r[10].startswith("WITH written AS (INSERT INTO events") or r[10].startswith("INSERT INTO events"))
    keys = ("WITH u AS (SELECT u.s, u.c, u.seen", "INSERT INTO segment_flips", "INSERT INTO notification_sets", "WITH written AS (INSERT INTO events",
            "UPDATE customers c SET total_orders", "INSERT INTO segment_member_counts", "UPDATE evaluator_checkpoints", "INSERT INTO events")
    ms = sum(float(r[1]) for r in rows if r[10].startswith(keys))
    flips = [r for r in rows if r[10].startswith("INSERT INTO segment_flips")]
    fl_ms = sum(float(r[1]) for r in flips); fl_wal = sum(float(r[9]) for r in flips); fl_rows = sum(float(r[2]) for r in flips)
    wal = io.replace('pg-io-', 'pg-wal-')
    try:
        w = [l for l in open(wal) if re.match(r'\s*\d', l)][0].split('|'); walb = int(w[2]); fpi = int(w[1])
    except Exception:
        walb = fpi = 0
    print(f"{io.split('/')[-1]}: events {ev:,}; PostgreSQL (these statements) {ms/ev:.3f} ms an event; flips {fl_ms/ev:.3f} ms, "
          f"{fl_wal/ev:,.0f} B WAL an event ({fl_wal/max(fl_rows,1):,.0f} B a row); WAL in all {walb/ev:,.0f} B an event, fpi {fpi:,}")

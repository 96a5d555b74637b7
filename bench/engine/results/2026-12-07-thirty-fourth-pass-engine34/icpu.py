#!/usr/bin/env python3
# engine34: ingest-cpu.sh (no segments) lines of pair*.log / hold0.log, with the event log statement's and the customers'
# aggregates' PostgreSQL ms an event from the run's pg-top file (icpu/pg-top-LABEL-N-HHMMSS.txt)
import re, sys, glob
for logf in sys.argv[1:]:
    lines = [l for l in open(logf) if re.match(r'\d\d:\d\d:\d\d (base|new) eps=', l)]
    tops = sorted(glob.glob('icpu/pg-top-*.txt'))
    for l in lines:
        t, label = l.split()[0], l.split()[1]
        kv = dict(x.split('=') for x in l.split()[2:])
        # the run's pg-top: the first file of this label renamed after the run's time
        cand = sorted([f for f in tops if f'pg-top-{label}-' in f and f.rsplit('-', 1)[1][:6] >= t.replace(':', '')], key=lambda f: f.rsplit('-', 1)[1])
        ev = logms = agg = tot = 0
        if cand:
            for row in open(cand[0]):
                p = [x.strip() for x in row.split('|')]
                if len(p) < 6 or not p[0].isdigit(): continue
                if p[5].startswith(('WITH written AS (INSERT INTO events', 'INSERT INTO events')):
                    ev += int(p[3]); logms += float(p[1])
                if p[5].startswith('UPDATE customers c SET total_orders'): agg += float(p[1])
        print(f"| {logf.split('/')[-1]} {t} {label} | {float(kv['eps']):,.0f} | {kv['shoal_ms_per_event_less_idle']} | {kv['pg_ms_per_event_less_idle']} | "
              f"{kv['wal_bytes_per_event']} | {logms/max(ev,1):.4f} | {agg/max(ev,1):.4f} | {kv['load1']} | {cand[0].split('/')[-1] if cand else '-'} |")

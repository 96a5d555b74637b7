#!/usr/bin/env python3
"""Side by side of bench/run.sh runs: per run and scenario, median req/s, p99, ratio to the same run's ceiling, pg uses/request."""
import csv, statistics, sys, glob, os
rows = []
for label, d in (a.split('=') for a in sys.argv[1:]):
    raw = os.path.join(d, 'raw.tsv')
    by = {}
    for r in csv.DictReader(open(raw), delimiter='\t'):
        by.setdefault(r['label'], []).append(r)
    ceil = {}
    for k, rs in by.items():
        if rs[0]['mode'] == 'ceiling':
            ceil[rs[0]['conns']] = statistics.median(float(r['rps']) for r in rs)
    for k, rs in by.items():
        rps = statistics.median(float(r['rps']) for r in rs)
        p99 = statistics.median(float(r['p99_ms']) for r in rs)
        p50 = statistics.median(float(r['p50_ms']) for r in rs)
        c = rs[0]['conns']
        ratio = '-' if rs[0]['mode'] == 'ceiling' else '%.2f' % (rps / ceil[c])
        pn = [r.get('pg_uses_per_req', '-') for r in rs]
        srv = statistics.median(float(r['cpu_server']) for r in rs)
        pg = statistics.median(float(r['cpu_pg']) for r in rs)
        oth = statistics.median(float(r['cpu_other']) for r in rs)
        load = [r['load1'] for r in rs]
        print(f"{label}\t{k}\t{c}\trps={rps:.0f}\tp50={p50:.2f}\tp99={p99:.2f}\tx_ceiling={ratio}\tpg_uses/req={','.join(pn)}\tcpu srv/pg/other={srv:.0f}/{pg:.0f}/{oth:.0f}\tload={','.join(load)}\trps_runs={','.join('%.0f' % float(r['rps']) for r in rs)}")

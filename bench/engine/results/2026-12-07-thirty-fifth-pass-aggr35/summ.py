#!/usr/bin/env python3
# aggr35: one line per single-ingest run of one/logs/runs.log: events/s, p99, cores; the customers' aggregates statement
# (main: UPDATE customers; new: UPDATE customer_orders) per event and per row (pg_stat_statements with buffers and WAL,
# pg-io-*.txt); the top 15 statements summed per event; WAL in all and full-page images per event (pg-wal-*.txt).
import re, sys
L = sys.argv[1] if len(sys.argv) > 1 else 'one/logs'
runs = {}
for line in open(f'{L}/runs.log'):
    m = re.match(r'=== (base|new2|new) (\d\d):(\d\d):(\d\d) load: (\S+)', line)
    if m: side, tag, load0 = m.group(1), m.group(2)+m.group(3)+m.group(4), m.group(5)
    if line.startswith(('base\tingest_single', 'new\tingest_single', 'new2\tingest_single')):
        kv = dict(x.split('=') for x in line.split('\t')[3].split() if '=' in x)
        runs[f'{side}-{tag}'] = (kv, load0)
def io(path):
    rows = []
    for line in open(path):
        p = [x.strip() for x in line.split('|')]
        if len(p) >= 11 and p[0].isdigit(): rows.append(p)
    return rows
print("| run (start, load1) | events/s | p99 ms | cores Shoal / PG / other | aggregates: PG ms an event / a row | rows an event | buffers hit a row | WAL records / B a row | FPI | top statements PG ms an event | WAL B an event | FPI in all |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for name, (kv, load0) in runs.items():
    rows = io(f'{L}/{name}-pg-io-ingest.txt')
    ev = int(kv['events'])
    agg = [r for r in rows if r[10].startswith(("UPDATE customers c SET total_orders", "UPDATE customer_orders o SET"))]
    a_ms = sum(float(r[1]) for r in agg); a_rows = sum(int(r[2]) for r in agg)
    a_hit = sum(int(r[3]) for r in agg); a_rec = sum(int(r[7]) for r in agg); a_fpi = sum(int(r[8]) for r in agg); a_b = sum(int(r[9]) for r in agg)
    tot = sum(float(r[1]) for r in rows)
    w = open(f'{L}/{name}-pg-wal-ingest.txt').read().split('\n')
    wr = [x for x in w if re.match(r'\s*\d+\s*\|', x)][0].split('|')
    wal_b, fpi = int(wr[2]), int(wr[1])
    hh, mm, ss = name.split('-')[1][:2], name.split('-')[1][2:4], name.split('-')[1][4:]
    print(f"| {name.split('-')[0]} {hh}:{mm} ({load0}) | {float(kv['eps']):,.0f} | {float(kv['p99_ms']):.0f} | {kv['cpu_shoal']} / {kv['cpu_pg']} / {kv['cpu_other']} | "
          f"{a_ms/ev:.3f} / {a_ms/max(1,a_rows):.3f} | {a_rows/ev:.2f} | {a_hit/max(1,a_rows):.1f} | {a_rec/max(1,a_rows):.1f} / {a_b/max(1,a_rows):,.0f} | {a_fpi:,} | {tot/ev:.3f} | {wal_b/ev:,.0f} | {fpi:,} |")

#!/usr/bin/env python3
"""summary.py: per round and side, bench/run.sh's raw.tsv runs of search_surname: req/s, p99 per run, PostgreSQL ms a
search (cpu_pg % of one core x 10 / req/s), load1; the medians of each side's runs; then new/base per round."""
import glob, os, statistics as st, re
W = '/work/search34-work/results'
rows = {}
for d in sorted(glob.glob(W + '/round*-*-raw')):
    m = re.match(r'round(\d+)-(base|new)-raw', os.path.basename(d))
    n, side = int(m.group(1)), m.group(2)
    lines = [l.rstrip('\n').split('\t') for l in open(d + '/raw.tsv')]
    h = lines[0]
    for l in lines[1:]:
        r = dict(zip(h, l))
        key = (n, side, int(r['conns']))
        rows.setdefault(key, []).append(r)
print('round\tside\tconns\treq/s (runs)\tp99 ms (runs)\tPG ms/search (runs)\tload1')
med = {}
for key in sorted(rows):
    rs = rows[key]
    rps = [float(r['rps']) for r in rs]; p99 = [float(r['p99_ms']) for r in rs]
    pg = [float(r['cpu_pg']) * 10 / float(r['rps']) for r in rs]
    med[key] = (st.median(rps), st.median(p99), st.median(pg))
    print(f"{key[0]}\t{key[1]}\t{key[2]}\t{st.median(rps):.0f} ({' / '.join(f'{x:.0f}' for x in rps)})\t"
          f"{st.median(p99):.1f} ({' / '.join(f'{x:.1f}' for x in p99)})\t{st.median(pg):.2f} ({' / '.join(f'{x:.2f}' for x in pg)})\t"
          f"{' '.join(r['load1'] for r in rs)}")
print()
print('round\tconns\tnew/base req/s\tp99 base -> new\tPG ms base -> new')
for (n, side, c) in sorted(med):
    if side == 'base' and (n, 'new', c) in med:
        b, x = med[(n, 'base', c)], med[(n, 'new', c)]
        print(f"{n}\t{c}\t{x[0]/b[0]:.2f}x\t{b[1]:.1f} -> {x[1]:.1f}\t{b[2]:.2f} -> {x[2]:.2f}")

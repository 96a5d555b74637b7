#!/usr/bin/env python3
"""Medians per class and connections of a search-side-by-side raw.tsv: req/s, p50, p99, load, new/base."""
import csv, statistics, sys
from collections import defaultdict
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
d = defaultdict(list)
for r in rows:
    d[(r['class'], r['conns'], r['side'])].append(r)
med = lambda rs, k: statistics.median(float(r[k]) for r in rs)
print('| class | conns | rounds | req/s base | req/s new | new/base | p50 ms base → new | p99 ms base → new | load1 |')
print('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
for (cls, conns) in sorted({(c, n) for c, n, _ in d}, key=lambda k: (k[0], int(k[1]))):
    b, n = d[(cls, conns, 'base')], d[(cls, conns, 'new')]
    if not b or not n:
        continue
    loads = [float(r['load1']) for r in b + n]
    print(f"| {cls} | {conns} | {len(n)} | {med(b,'rps'):.0f} | {med(n,'rps'):.0f} | {med(n,'rps')/med(b,'rps'):.2f}x"
          f" | {med(b,'p50_ms'):.1f} → {med(n,'p50_ms'):.1f} | {med(b,'p99_ms'):.1f} → {med(n,'p99_ms'):.1f}"
          f" | {min(loads):.1f}–{max(loads):.1f} |")

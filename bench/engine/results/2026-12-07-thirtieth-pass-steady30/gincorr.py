#!/usr/bin/env python3
"""steady30: per second of the 202's arrival, the 202 -> recorded p99 and whether a flips insert >= 50 ms (the GIN
merge) or a COMMIT >= 40 ms ended in [second - 0.2, second + 1.3) (PostgreSQL log). usage: gincorr.py EVENTS PGLOG FROM TO"""
import sys, re, datetime as dt
from collections import defaultdict
ev, pl, t0, t1 = sys.argv[1:5]
b = defaultdict(list)
for l in open(ev):
    d, ak, r = map(float, l.split()[:3]); b[int(d + ak / 1000)].append(r)
gin = []; com = []
for l in open(pl, errors='replace'):
    m = re.match(r'(\S+ \S+) UTC \[\d+\] .*? LOG:  duration: ([\d.]+) ms  (?:execute \S+|statement|bind \S+): (.{0,30})', l)
    if not m: continue
    t = dt.datetime.strptime(m.group(1), '%Y-%m-%d %H:%M:%S.%f').replace(tzinfo=dt.timezone.utc).timestamp()
    if m.group(3).strip().startswith('INSERT INTO segment_flips') and float(m.group(2)) >= 50: gin.append(t)
    if m.group(3).strip().startswith('COMMIT') and float(m.group(2)) >= 40: com.append(t)
rows = []
for k in sorted(b):
    s = dt.datetime.utcfromtimestamp(k).strftime('%H:%M:%S')
    if not (t0 <= s <= t1): continue
    v = sorted(b[k]); p99 = v[int(.99 * len(v))]
    g = any(k - 0.2 <= t < k + 1.3 for t in gin); c = any(k - 0.2 <= t < k + 1.3 for t in com)
    rows.append((s, len(v), p99, g, c))
    print(s, len(v), 'p99 %.0f' % p99, 'GIN' if g else '   ', 'COMMIT' if c else '')
hi = [r for r in rows if r[2] > 100]
print(f"seconds {len(rows)}, p99 > 100 ms: {len(hi)}; of those with a GIN merge near: {sum(r[3] for r in hi)}, with a slow commit near: {sum(r[4] for r in hi)}, neither: {sum(1 for r in hi if not r[3] and not r[4])}")
lo = [r for r in rows if r[2] <= 100]
print(f"seconds p99 <= 100 ms: {len(lo)}; with a GIN merge near: {sum(r[3] for r in lo)}, slow commit near: {sum(r[4] for r in lo)}")

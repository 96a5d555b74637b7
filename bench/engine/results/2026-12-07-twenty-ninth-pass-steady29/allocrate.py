#!/usr/bin/env python3
"""steady29: allocation rate from a G1 log (utctime): eden regions (4 MB) collected per second between the first and
last young pause inside each EVENTS file's window, per acked event (events in the file / window)."""
import re, sys, datetime as dt
ps = []; cur = {}
for line in open(sys.argv[1]):
    m = re.match(r'\[([^]]+)\].*GC\((\d+)\) Eden regions: (\d+)->', line)
    if m: cur[int(m.group(2))] = (dt.datetime.strptime(m.group(1), '%Y-%m-%dT%H:%M:%S.%f%z').timestamp(), int(m.group(3)))
for f in sys.argv[2:]:
    rate = int(f.rsplit('.', 1)[1])
    ev = [float(l.split()[0]) for l in open(f)]
    lo, hi = min(ev), max(ev)
    w = sorted(v for v in cur.values() if lo <= v[0] <= hi)
    if len(w) < 2: print(f, 'too few pauses'); continue
    mb = sum(r for t, r in w[1:]) * 4; secs = w[-1][0] - w[0][0]
    print('%s: %.0f MB/s between %d pauses over %.1f s; at the offered %d/s %.0f KB an event' % (f.split('/')[-1], mb / secs, len(w), secs, rate, mb / secs / rate * 1024))

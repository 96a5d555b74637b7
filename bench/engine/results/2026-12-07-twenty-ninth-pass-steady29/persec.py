#!/usr/bin/env python3
"""steady29: per second of the 202's arrival: events, 202 -> recorded p50 / p99 / max, due -> 202 p99 (EVENTS file)."""
import sys, datetime as dt
from collections import defaultdict
b = defaultdict(list); a = defaultdict(list)
for line in open(sys.argv[1]):
    d, ak, r = line.split()[:3]; t = float(d) + float(ak) / 1000; b[int(t)].append(float(r)); a[int(t)].append(float(ak))
for k in sorted(b):
    v = sorted(b[k]); w = sorted(a[k])
    print(dt.datetime.utcfromtimestamp(k).strftime('%H:%M:%S'), len(v), 'rec p50 %.0f p99 %.0f max %.0f | ack p99 %.0f' % (v[len(v)//2], v[int(.99*len(v))], v[-1], w[int(.99*len(w))]))

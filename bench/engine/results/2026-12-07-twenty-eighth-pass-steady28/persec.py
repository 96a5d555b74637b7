#!/usr/bin/env python3
"""steady28: per second of an EVENTS_OUT file (due, due->202 ms, 202->recorded ms): events, recorded p50/p99/max, ack p99."""
import collections, sys, time
by = collections.defaultdict(list)
for l in open(sys.argv[1]):
    d, a, r = l.split()
    by[int(float(d))].append((float(a), float(r)))
for s in sorted(by):
    xs = sorted(r for a, r in by[s]); ac = sorted(a for a, r in by[s])
    print(time.strftime('%H:%M:%S', time.gmtime(s)), len(xs), 'rec p50 %.0f p99 %.0f max %.0f | ack p99 %.0f' % (
        xs[len(xs) // 2], xs[int(len(xs) * .99)], xs[-1], ac[int(len(ac) * .99)]))

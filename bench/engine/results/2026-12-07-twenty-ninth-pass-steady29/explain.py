#!/usr/bin/env python3
"""steady29: how much of a rate's 202 -> recorded p99 GC pauses explain. explain.py GCLOG EVENTS.tsv.RATE...
EVENTS lines: due (Unix s), due -> 202 ms, 202 -> recorded ms (LatencyLoad EVENTS_OUT). Pauses from a -Xlog:gc*
log with utctime. Per rate: pauses in the window (n, sum, p50, p90, max, GC-thread cores in them); the events over
the p99 whose 202 -> recorded span holds (part of) a pause; p99 of the events whose span holds none."""
import re, sys, datetime as dt
def q(v, p): v = sorted(v); return v[min(len(v) - 1, int(p * len(v)))] if v else float('nan')
pauses = []; cpu = {}
for line in open(sys.argv[1]):
    m = re.match(r'\[(\S+)\]\[[\d.]+s\]\[gc\s*\] GC\((\d+)\) (Pause \w+(?: \([\w ]+\))?).* ([\d.]+)ms$', line)
    if m:
        end = dt.datetime.strptime(m.group(1), '%Y-%m-%dT%H:%M:%S.%f%z').timestamp(); ms = float(m.group(4))
        pauses.append((end - ms / 1000, end, int(m.group(2)), m.group(3), ms)); continue
    m = re.search(r'GC\((\d+)\) User=([\d.]+)s Sys=([\d.]+)s Real=([\d.]+)s', line)
    if m: cpu[int(m.group(1))] = (float(m.group(2)) + float(m.group(3)), float(m.group(4)))
for f in sys.argv[2:]:
    ev = []
    for line in open(f):
        d, a, r = line.split()[:3]; t202 = float(d) + float(a) / 1000; ev.append((t202, t202 + float(r) / 1000, float(r)))
    lo = min(e[0] for e in ev); hi = max(e[1] for e in ev)
    ps = [p for p in pauses if p[1] >= lo and p[0] <= hi]
    ms = [p[4] for p in ps]
    c = [cpu[p[2]][0] / cpu[p[2]][1] for p in ps if p[2] in cpu and cpu[p[2]][1] > 0]
    recs = [e[2] for e in ev]; p99 = q(recs, .99)
    def hit(e, slack=0.0): return any(p[0] <= e[1] and p[1] + slack >= e[0] for p in ps)
    over = [e for e in ev if e[2] >= p99]
    clean = [e[2] for e in ev if not hit(e)]
    print('%s: %d events over %.0f s; rec p50 %.1f p99 %.1f ms | pauses %d (%s), sum %.0f ms = %.1f%% of the window, p50 %.0f p90 %.0f max %.0f ms, GC cores in pauses p50 %.2f'
          % (f.split('/')[-1], len(ev), hi - lo, q(recs, .5), p99, len(ps), ', '.join(sorted(set(p[3].replace('Pause ', '') for p in ps))),
             sum(ms), 100 * sum(ms) / 1000 / (hi - lo), q(ms, .5), q(ms, .9), max(ms) if ms else 0, q(c, .5)))
    for sl in (0.3, 1.0):
        print('   with a pause ending up to %.1f s before the span: %.1f%% of all, %.1f%% of those over the p99; p99 of the others %.1f ms'
              % (sl, 100 * sum(hit(e, sl) for e in ev) / len(ev), 100 * sum(hit(e, sl) for e in over) / max(1, len(over)), q([e[2] for e in ev if not hit(e, sl)], .99)))
    print('   events with a pause in their span: %.1f%% of all, %.1f%% of those over the p99; p99 of the others %.1f ms (%d events)'
          % (100 * sum(hit(e) for e in ev) / len(ev), 100 * sum(hit(e) for e in over) / max(1, len(over)), q(clean, .99), len(clean)))

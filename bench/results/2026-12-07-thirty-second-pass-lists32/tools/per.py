import sys, glob, statistics as st
# per.py PREFIX QUERYFILE: per query (line of FILE) count, p50/p90/p99/max ms; all; slow ones clustered in time
prefix, qf = sys.argv[1], sys.argv[2]
qs = [l.strip() for l in open(qf) if l.strip()]
rows = []
for f in glob.glob(prefix + '-*.tsv'):
    for l in open(f):
        p = l.split('\t')
        if len(p) >= 4: rows.append((int(p[0]), float(p[1]), int(p[2]) / 1000.0, int(p[3])))
def pct(v, q):
    v = sorted(v); return v[min(len(v) - 1, int(q * len(v)))]
def line(name, v):
    return '%-70s n=%6d p50=%7.2f p90=%7.2f p99=%7.2f max=%7.1f mean=%6.2f' % (name[:70], len(v), pct(v, .5), pct(v, .9), pct(v, .99), max(v), sum(v) / len(v))
print(line('ALL', [r[2] for r in rows]))
for i, q in enumerate(qs, 1):
    v = [r[2] for r in rows if r[0] == i]
    if v: print(line(q, v))
allv = sorted(r[2] for r in rows); p99 = pct(allv, .99)
slow = sorted((r for r in rows if r[2] >= p99), key=lambda r: r[1])
print('requests >= p99 (%.1f ms): %d; by query:' % (p99, len(slow)), {qs[i - 1][:40]: sum(1 for r in slow if r[0] == i) for i in range(1, len(qs) + 1)})
# cluster: slow requests whose intervals overlap -> stall episodes
eps = []
for r in slow:
    s, e = r[1], r[1] + r[2]
    if eps and s <= eps[-1][1] + 5: eps[-1][1] = max(eps[-1][1], e); eps[-1][2] += 1
    else: eps.append([s, e, 1])
t0 = min(r[1] for r in rows)
print('episodes (overlapping slow requests): %d; largest:' % len(eps))
for s, e, n in sorted(eps, key=lambda x: -x[2])[:12]:
    print('  at +%.3f s  %.0f ms long  %d slow requests' % ((s - t0) / 1000, e - s, n))
# wrk's own p99: its latency histogram corrected for coordinated omission (stats_correct: every latency L >= 2x the
# interval adds L - k*interval for each k while > interval; interval = duration / (requests / connections))
import os
dur = float(os.environ.get('DUR', '15')); conns = len(glob.glob(prefix + '-*.tsv'))
interval = dur * 1000 / (len(rows) / conns)
vals = [r[2] for r in rows]; extra = []
for v in vals:
    if v >= 2 * interval:
        m = v - interval
        while m > interval: extra.append(m); m -= interval
allc = sorted(vals + extra)
print('wrk-corrected (interval %.2f ms, %d synthetic of %d): p50=%.2f p90=%.2f p99=%.2f' % (interval, len(extra), len(allc), pct(allc, .5), pct(allc, .9), pct(allc, .99)))
for i, q in enumerate(qs, 1):
    ex = []
    for r in rows:
        if r[0] == i and r[2] >= 2 * interval:
            m = r[2] - interval
            while m > interval: ex.append(m); m -= interval
    print('  synthetic from %-50s %6d' % (q[:50], len(ex)))

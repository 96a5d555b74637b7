import sys, glob, re
# stalls.py PREFIX CPUFILE THRESH_MS: episodes of requests slower than THRESH (overlapping), each with the CPU samples
# that overlap it, summed by group (JVM threads by name, pg, wrk, others)
prefix, cpuf, th = sys.argv[1], sys.argv[2], float(sys.argv[3])
rows = []
for f in glob.glob(prefix + '-*.tsv'):
    for l in open(f):
        p = l.split('\t'); rows.append((float(p[1]) / 1000, int(p[2]) / 1e6))
samples = []
for l in open(cpuf):
    p = l.rstrip('\n').split('\t'); t = float(p[0]); d = {}
    for k, v in (re.findall(r'(.+?)=(\d+)(?: |$)', p[2]) if len(p) > 2 else []):
        g = k if k in ('pg', 'wrk') else (k.split(':')[0] + ':' + k.split(':')[1])
        d[g] = d.get(g, 0) + int(v)
    samples.append((t, int(p[1][2:]), d))
slow = sorted([r for r in rows if r[1] * 1000 >= th])
eps = []
for s, l in slow:
    if eps and s <= eps[-1][1]: eps[-1][1] = max(eps[-1][1], s + l); eps[-1][2] += 1
    else: eps.append([s, s + l, 1])
t0 = min(r[0] for r in rows); t1 = max(r[0] + r[1] for r in rows)
def sums(a, b):
    d = {}; n = 0; rr = []
    for t, r, s in samples:
        if a - 0.1 <= t <= b + 0.1:
            n += 1; rr.append(r)
            for k, v in s.items(): d[k] = d.get(k, 0) + v
    return n, rr, d
n, rr, d = sums(t0, t1)
print('whole run: %d samples, ticks/sample by group:' % n, ', '.join('%s %.2f' % (k, v / n) for k, v in sorted(d.items(), key=lambda x: -x[1])[:12]))
for s, e, c in sorted(eps, key=lambda x: -(x[1] - x[0]))[:10]:
    n, rr, d = sums(s, e)
    print('+%.2f s %4.0f ms, %d slow; %d samples, procs_running %s; ticks: %s' % (s - t0, (e - s) * 1000, c, n, rr, ', '.join('%s %d' % (k, v) for k, v in sorted(d.items(), key=lambda x: -x[1])[:10])))

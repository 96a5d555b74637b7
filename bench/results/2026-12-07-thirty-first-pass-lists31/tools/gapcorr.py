import sys, glob
# gapcorr.py PREFIX GAPS THRESH: episodes of slow requests (>= THRESH ms, overlapping) and the vCPU gaps inside each
prefix, gf, th = sys.argv[1], sys.argv[2], float(sys.argv[3])
rows = []
for f in glob.glob(prefix + '-*.tsv'):
    for l in open(f):
        p = l.split('\t'); rows.append((float(p[1]) / 1000, int(p[2]) / 1e6))
gaps = [tuple(map(float, l.split('\t'))) for l in open(gf) if not l.startswith('#')]
head = open(gf).readline().strip()
slow = sorted([r for r in rows if r[1] * 1000 >= th]); eps = []
for s, l in slow:
    if eps and s <= eps[-1][1]: eps[-1][1] = max(eps[-1][1], s + l); eps[-1][2] += 1
    else: eps.append([s, s + l, 1])
t0 = min(r[0] for r in rows); t1 = max(r[0] + r[1] for r in rows)
ing = [g for g in gaps if t0 <= g[0] <= t1]
print('%s; gaps > 5 ms in the run: %d, total %.0f ms, max %.1f ms; >=20 ms: %d' % (head, len(ing), sum(g[1] for g in ing), max([g[1] for g in ing] or [0]), sum(1 for g in ing if g[1] >= 20)))
tot_ep = sum(e - s for s, e, c in eps)
cov = 0
for s, e, c in eps:
    inside = [g for g in ing if s - 0.005 <= g[0] <= e + 0.005]
    if inside: cov += 1
print('episodes >= %.0f ms: %d (%.0f ms in all), with a vCPU gap inside: %d' % (th, len(eps), tot_ep * 1000, cov))
for s, e, c in sorted(eps, key=lambda x: -(x[1] - x[0]))[:12]:
    inside = [g for g in ing if s - 0.005 <= g[0] <= e + 0.005]
    print('  +%6.2f s %4.0f ms %3d slow; gaps: %s' % (s - t0, (e - s) * 1000, c, ' '.join('%.0f' % g[1] for g in inside)))

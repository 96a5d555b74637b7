import sys, glob
# pct.py PREFIX: per-request p50/p90/p99/max ms of all requests of a timed.lua run (tab-separated)
v = []
for f in glob.glob(sys.argv[1] + '-*.tsv'):
    for l in open(f):
        p = l.split('\t')
        if len(p) >= 4: v.append(int(p[2]) / 1000.0)
v.sort()
q = lambda x: v[min(len(v) - 1, int(x * len(v)))]
print('%.2f\t%.2f\t%.2f\t%.1f' % (q(.5), q(.9), q(.99), v[-1]))

#!/usr/bin/env python3
"""Per rate: the StageClock windows (5 s) that end inside a latency run's measured part (after its
warm-up, before its end), for events that flipped; prints each stage's mean of the windows' p50, and the
largest window p99, and the batches' stage medians. Usage: stages.py RESULTS_DIR"""
import re, sys, datetime
d = sys.argv[1]
runs = []
for line in open(d + '/run.log'):
    m = re.match(r'\[(\d\d:\d\d:\d\d)\] latency run \d+/\d+: (\d+) events/s for (\d+)s \(first (\d+)s', line)
    if m:
        t = datetime.datetime.strptime(m.group(1), '%H:%M:%S')
        runs.append((int(m.group(2)), t + datetime.timedelta(seconds=int(m.group(4)) + 5), t + datetime.timedelta(seconds=int(m.group(3)) + 1)))
rows = {}
for line in open(d + '/stages.txt'):
    m = re.search(r'T(\d\d:\d\d:\d\d)\.\d+Z .*STAGES (flipped|batches) n=(\d+) (.*) \(mean', line)
    if not m:
        continue
    t = datetime.datetime.strptime(m.group(1), '%H:%M:%S')
    for rate, a, b in runs:
        if a <= t <= b:
            vals = dict((k, [float(x) for x in v.split('/')]) for k, v in re.findall(r'(\w+)=([-\d./]+)', m.group(4)))
            rows.setdefault((rate, m.group(2)), []).append((int(m.group(3)), vals))
for (rate, kind), ws in sorted(rows.items()):
    keys = list(ws[0][1].keys())
    n = sum(w[0] for w in ws)
    out = []
    for k in keys:
        tot = sum(w[0] for w in ws)
        mean = sum(w[1][k][0] * w[0] for w in ws) / tot
        p50 = sorted(w[1][k][1] for w in ws)[len(ws) // 2]
        p99 = max(w[1][k][2] for w in ws)
        out.append('%s=%.1f/%.1f/%.1f' % (k, mean, p50, p99))
    print('rate=%d %s windows=%d n=%d %s (mean / median of window p50s / max of window p99s)' % (rate, kind, len(ws), n, ' '.join(out)))

#!/usr/bin/env python3
"""Side by side per run index (20 s runs from an empty cache): for each configuration (labels joined by +),
the median over its labels of req/s (x its own ceiling), p99 and the pauses' total ms and ms over 10 ms.
usage: sidebyside.py DIR NAME=LABEL+LABEL ...   (uses summary.py's rows)"""
import sys, subprocess, statistics, re
d = sys.argv[1]; confs = [a.split('=') for a in sys.argv[2:]]
rows = {}
for name, labels in confs:
    for label in labels.split('+'):
        out = subprocess.run([sys.executable, __file__.replace('sidebyside', 'summary'), d, label], capture_output=True, text=True).stdout
        for l in out.splitlines():
            f = [x.strip() for x in l.strip('|').split('|')]
            if len(f) < 14 or not f[2].isdigit(): continue
            p = re.match(r'(\d+) / (\d+) / (\d+) / (\d+), (\d+)', f[10])
            rows.setdefault((name, int(f[2])), []).append((float(f[3].replace(',', '')), float(f[4]), float(f[7]), int(p.group(2)), int(p.group(5)), float(f[9])))
runs = sorted({r for n, r in rows})
hdr = ' | '.join(f'{n}: req/s (x ceil) / p99 ms / pause ms / over 10 ms' for n, _ in confs)
print(f'| run | {hdr} |'); print('|---:|' + '---|' * len(confs))
med = statistics.median
for r in runs:
    cells = []
    for n, _ in confs:
        v = rows.get((n, r))
        if not v: cells.append(''); continue
        p99s = '/'.join(f'{x[2]:g}' for x in v)
        cells.append(f"{med(x[0] for x in v):,.0f} ({med(x[1] for x in v):.2f}) / **{med(x[2] for x in v):g}** ({p99s}) / {med(x[3] for x in v):g} / {med(x[4] for x in v):g}")
    print(f'| {r} | ' + ' | '.join(cells) + ' |')

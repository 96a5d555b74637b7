#!/usr/bin/env python3
# monsum.py MON.tsv...: core-seconds of each column of mon.py's samples (start26's mon.py; 0.5 s intervals) over a run.
import csv, sys
for f in sys.argv[1:]:
    rows = list(csv.reader(open(f), delimiter='\t'))
    h, d = rows[0], [list(map(float, r)) for r in rows[1:]]
    print(f, '%.1f s' % (len(d) * 0.5), ' '.join('%s=%.1f' % (h[i], sum(r[i] for r in d) * 0.5 / 100) for i in range(1, len(h))))

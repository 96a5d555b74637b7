#!/usr/bin/env python3
# monsum.py DIR NAME...: per start, core-seconds to ready by kind (from mon.py's TSV and ready-NAME.txt), and the
# seconds in which PostgreSQL worked alone (JVM < 15 % of a core, PostgreSQL > 60 %: before the scan's first row).
import csv, re, sys
d = sys.argv[1]
print("start\tready_s\tpg\tjvm\tevent_loops\tjit\tgc\tworkers\tidle\tpg_alone_s")
for name in sys.argv[2:]:
    rows = list(csv.reader(open('%s/mon-%s.tsv' % (d, name)), delimiter='\t'))
    h = rows[0]; data = [[float(x) for x in r] for r in rows[1:]]
    rd = int(re.search(r'(\d+)', open('%s/ready-%s.txt' % (d, name)).read()).group(1)) / 1000
    tot = {k: 0 for k in h[1:]}; prev = 0; alone = 0
    for r in data:
        if r[0] > rd: break
        dt = r[0] - prev; prev = r[0]
        row = dict(zip(h[1:], r[1:]))
        for k, v in row.items(): tot[k] += max(v, 0) / 100 * dt
        if row['jvm'] < 15 and row['pg'] > 60: alone += dt
    print("%s\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f" % (name, rd, tot['pg'], tot['jvm'], tot['other'],
          tot['jit'], tot['gc'], tot['worker'], tot['idle'], alone))

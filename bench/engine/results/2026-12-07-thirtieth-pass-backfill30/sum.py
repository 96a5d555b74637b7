#!/usr/bin/env python3
# sum.py RES_DIR...: per run and label, core-seconds of PostgreSQL and the JVM over the backfill (mon.py's 0.5 s rows)
import sys, os, csv
for d in sys.argv[1:]:
    for label in ('selective', 'broad'):
        p = os.path.join(d, label + '-mon.tsv')
        if not os.path.exists(p):
            continue
        rows = list(csv.DictReader(open(p), delimiter='\t'))
        pg = sum(float(r['pg']) for r in rows) * 0.5 / 100
        jvm = sum(float(r['jvm']) for r in rows) * 0.5 / 100
        mach = sum(float(r['user+sys']) for r in rows) * 0.5 / 100
        t = float(rows[-1]['t']) if rows else 0
        print('%s\t%s\tsecs=%.1f\tpg_core_s=%.1f\tjvm_core_s=%.1f\tmachine_busy_core_s=%.1f\tothers_core_s=%.1f' % (os.path.basename(d), label, t, pg, jvm, mach, mach - pg - jvm))

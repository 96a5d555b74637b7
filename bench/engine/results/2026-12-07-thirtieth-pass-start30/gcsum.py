#!/usr/bin/env python3
# gcsum.py FILE[:READY_S]...: per -Xlog:gc* log (gc+phases=debug for the phases), up to READY_S of JVM uptime: young pauses (count, wall ms), their
# workers' Object Copy and Scan Heap Roots (ms summed over workers), cards scanned, concurrent cycles (count, ms),
# mean survivor regions after a pause.
import re, sys
print("log\tpauses\tpause_ms\tobject_copy_ms\tscan_heap_roots_ms\tcards_scanned\tconc_cycles\tconc_ms\tsurvivor_regions")
for arg in sys.argv[1:]:
    f, _, cut = arg.partition(':')
    cut = float(cut) if cut else 1e9
    s = dict(n=0, pause=0.0, copy=0.0, scan=0.0, cards=0, cc=0, ccms=0.0, surv=0, sn=0)
    for line in open(f):
        t = re.match(r'\[([0-9.]+)s\]', line)
        if t and float(t.group(1)) > cut:
            break
        m = re.search(r'GC\(\d+\) +(Scan Heap Roots|Object Copy) \(ms\):.*Sum: +([0-9.]+)', line)
        if m:
            s['copy' if m.group(1) == 'Object Copy' else 'scan'] += float(m.group(2))
        m = re.search(r'GC\(\d+\) +Scanned Cards: .*Sum: (\d+)', line)
        if m:
            s['cards'] += int(m.group(1))
        m = re.search(r'\]\[gc +\] GC\(\d+\) Pause Young.* ([0-9.]+)ms$', line) or re.search(r'\[info\]\[gc\] GC\(\d+\) Pause Young.* ([0-9.]+)ms$', line)
        if m:
            s['n'] += 1; s['pause'] += float(m.group(1))
        m = re.search(r'GC\(\d+\) Concurrent (Mark|Undo) Cycle ([0-9.]+)ms', line)
        if m:
            s['cc'] += 1; s['ccms'] += float(m.group(2))
        m = re.search(r'Survivor regions: \d+->(\d+)', line)
        if m:
            s['surv'] += int(m.group(1)); s['sn'] += 1
    print("%s\t%d\t%.0f\t%.0f\t%.0f\t%d\t%d\t%.0f\t%.1f" % (f.split('/')[-1], s['n'], s['pause'], s['copy'], s['scan'],
          s['cards'], s['cc'], s['ccms'], s['surv'] / s['sn'] if s['sn'] else 0))

#!/usr/bin/env python3
"""steady29: pauses of a -Xlog:gc* log (utctime or uptime decorators): per kind n / sum / p50 / p90 / max ms; the CPU
of the GC threads against the wall time (User+Sys over Real: 2.0 = both GC threads ran the whole pause); phases.
Optional FROM TO (uptime seconds) to restrict."""
import re, sys, statistics as st
f = sys.argv[1]
lo = float(sys.argv[2]) if len(sys.argv) > 2 else 0; hi = float(sys.argv[3]) if len(sys.argv) > 3 else 1e9
pauses = {}; cpu = {}; evac = {}; merge = {}
for line in open(f):
    m = re.search(r'\[([\d.]+)s\]\[gc\s*\] GC\((\d+)\) (Pause [A-Za-z]+(?: \([A-Za-z ]+\))?).* ([\d.]+)ms$', line)
    if m:
        t = float(m.group(1))
        if lo <= t <= hi: pauses[int(m.group(2))] = (t, m.group(3), float(m.group(4)))
        continue
    m = re.search(r'GC\((\d+)\) User=([\d.]+)s Sys=([\d.]+)s Real=([\d.]+)s', line)
    if m: cpu[int(m.group(1))] = (float(m.group(2)) + float(m.group(3)), float(m.group(4)))
    m = re.search(r'GC\((\d+)\)   Evacuate Collection Set: ([\d.]+)ms', line)
    if m: evac[int(m.group(1))] = float(m.group(2))
def q(v, p): v = sorted(v); return v[min(len(v) - 1, int(p * len(v)))] if v else 0
kinds = {}
for g, (t, k, ms) in pauses.items(): kinds.setdefault(k, []).append(ms)
for k, v in kinds.items():
    print('%-32s n=%3d sum=%6.0f p50=%5.1f p90=%5.1f max=%6.1f ms' % (k, len(v), sum(v), q(v, .5), q(v, .9), max(v)))
yc = [g for g, (t, k, ms) in pauses.items() if k.startswith('Pause Young') and g in cpu and cpu[g][1] > 0]
r = [cpu[g][0] / cpu[g][1] for g in yc]
if r:
    print('young pauses: GC-thread cores during the pause (User+Sys)/Real p10=%.2f p50=%.2f p90=%.2f (2.0 = full)' % (q(r, .1), q(r, .5), q(r, .9)))
    long = [g for g in yc if pauses[g][2] >= 60]
    for g in sorted(long):
        print('  GC(%d) at %.1fs %s %.1f ms: cpu %.0f ms over real %.0f ms (%.2f cores), evacuate %.1f ms' % (g, pauses[g][0], pauses[g][1], pauses[g][2], cpu[g][0]*1000, cpu[g][1]*1000, cpu[g][0]/cpu[g][1], evac.get(g, -1)))
    tot_cpu = sum(cpu[g][0] for g in yc); tot_real = sum(cpu[g][1] for g in yc)
    print('young pauses total: GC cpu %.2f s, wall %.2f s; at 2 full cores the wall would be %.2f s' % (tot_cpu, tot_real, tot_cpu / 2))

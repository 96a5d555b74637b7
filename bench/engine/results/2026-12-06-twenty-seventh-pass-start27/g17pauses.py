#!/usr/bin/env python3
# g17pauses.py OUT GCLOG: per get_uniform run of bench/run.sh's output, the server's stop-the-world pauses that ended inside it
# (count, total ms, ms beyond 10 ms each); JVM start taken as run.sh's "starting Shoal" line (1 s resolution).
import re, sys
def sec(h): a = [int(x) for x in h.split(':')]; return a[0]*3600 + a[1]*60 + a[2]
out = open(sys.argv[1]).read().splitlines()
start = next(sec(re.match(r'\[(\d\d:\d\d:\d\d)\]', l).group(1)) for l in out if 'starting Shoal' in l)
runs = []
for l in out:
    m = re.match(r'\[(\d\d:\d\d:\d\d)\]\s+get_uniform run (\d+):.*duration_s=([\d.]+).*p99_ms=([\d.]+)', l)
    if m: e = sec(m.group(1)) - start; runs.append((int(m.group(2)), e - float(m.group(3)), e, m.group(4)))
pauses = []
for l in open(sys.argv[2]):
    m = re.match(r'\[([\d.]+)s\].*\[gc\s*\].*Pause.* ([\d.]+)ms$', l)
    if m: pauses.append((float(m.group(1)), float(m.group(2))))
print("run\tp99_ms\tpauses\tpause_ms\tover10_ms")
T = [0, 0, 0]
for r, a, b, p99 in runs:
    ps = [ms for t, ms in pauses if a <= t < b]
    o = sum(max(0, ms - 10) for ms in ps)
    T[0] += len(ps); T[1] += sum(ps); T[2] += o
    print("%d\t%s\t%d\t%.0f\t%.0f" % (r, p99, len(ps), sum(ps), o))
print("all\t\t%d\t%.0f\t%.0f" % tuple(T))

#!/usr/bin/env python3
# summ.py DIR...: per start: ready (JVM start -> "Shoal listening"), GC pauses to ready, and per measured run of
# bench/run.sh: req/s, p99, max, and the GC pauses (gc log, all stop-the-world pauses) inside its window.
import sys, re, datetime as dt, glob
def ts(s): return dt.datetime.strptime(s[:23], '%Y-%m-%dT%H:%M:%S.%f')
for d in sys.argv[1:]:
    pauses = []; jvm0 = None
    for ln in open(d + '/gc.log'):
        m = re.match(r'\[([^\]]+)\]\[([\d.]+)s\]', ln)
        if not m: continue
        t = ts(m.group(1)); up = float(m.group(2))
        if jvm0 is None: jvm0 = t - dt.timedelta(seconds=up)
        m2 = re.search(r'\[gc +\] GC\(\d+\) (Pause \S+).* ([\d.]+)ms$', ln)
        if m2: pauses.append((t, float(m2.group(2))))
    ready = None
    for ln in open(d + '/logs/shoal.log'):
        if 'Shoal listening' in ln: ready = ts(ln[:23]); break
    rt = (ready - jvm0).total_seconds()
    pr = [p for t, p in pauses if t <= ready]
    print('%s: ready %.1f s; to ready %d pauses, %.1f s, max %.0f ms' % (d, rt, len(pr), sum(pr) / 1000, max(pr)))
    day = jvm0.strftime('%Y-%m-%d')
    for ln in open(d + '/run.log'):
        m = re.match(r'\[(\d\d:\d\d:\d\d)\]\s+(\S+) run (\d+): .*rps=([\d.]+) .*p99_ms=([\d.]+) max_ms=([\d.]+).*server=(\d+) pg=(\d+) wrk=(\d+) other=(\d+) load=([\d.]+)', ln)
        if not m: continue
        end = dt.datetime.strptime(day + ' ' + m.group(1), '%Y-%m-%d %H:%M:%S') + dt.timedelta(seconds=1)
        beg = end - dt.timedelta(seconds=16)
        w = [p for t, p in pauses if beg <= t <= end]
        print('  %-16s %s rps %7.0f p99 %7.2f max %7.1f | pauses %3d, >10ms %2d, max %6.1f, sum %6.0f ms | cpu s/pg/wrk/other %s/%s/%s/%s load %s' % (
            m.group(2), m.group(3), float(m.group(4)), float(m.group(5)), float(m.group(6)), len(w), sum(1 for p in w if p > 10),
            max(w) if w else 0, sum(w), m.group(7), m.group(8), m.group(9), m.group(10), m.group(11)))

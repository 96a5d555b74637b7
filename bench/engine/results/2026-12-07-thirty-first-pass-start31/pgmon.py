#!/usr/bin/env python3
# pgmon.py PGDATA OUT JVM_PID: every 0.5 s while the JVM runs, each PostgreSQL process's title and CPU (% of a core) in that interval, if > 0.
import os, sys, time
pgdata, out, jpid = sys.argv[1], sys.argv[2], sys.argv[3]
hz = os.sysconf('SC_CLK_TCK')
o = open(out, 'w'); o.write('t\tpid\tpct\ttitle\n')
prev = {}; t0 = time.time()
while os.path.exists(f'/proc/{jpid}'):
    try:
        pm = int(open(os.path.join(pgdata, 'postmaster.pid')).readline())
    except Exception:
        time.sleep(0.2); continue
    cur = {}
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        try:
            s = open(f'/proc/{p}/stat').read(); f = s[s.rindex(')') + 2:].split()
            if int(p) != pm and int(f[1]) != pm: continue
            title = open(f'/proc/{p}/cmdline').read().replace('\0', ' ').strip()[:120]
            cur[p] = (int(f[11]) + int(f[12]), title)
        except Exception:
            pass
    t = time.time() - t0
    for p, (c, title) in cur.items():
        d = c - prev.get(p, (c if p in prev else 0, ''))[0]
        if d > 0:
            o.write(f'{t:.1f}\t{p}\t{100.0 * d / hz / 0.5:.0f}\t{title}\n')
    o.flush(); prev = cur
    time.sleep(0.5)

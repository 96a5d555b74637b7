#!/usr/bin/env python3
# mon.py JVM_PID PGDATA OUT: every 0.5 s until the JVM ends: machine CPU split (/proc/stat), JVM CPU by thread group,
# PostgreSQL CPU (postmaster + children), as deltas per interval, in % of one core.
import os, sys, time, re
pid, pgdata, out = sys.argv[1], sys.argv[2], sys.argv[3]
hz = os.sysconf('SC_CLK_TCK')
def stat():
    f = open('/proc/stat').readline().split()[1:]
    return [int(x) for x in f]
def group(name):
    for k, g in (('C2 Compiler', 'jit'), ('C1 Compiler', 'jit'), ('GC Thread', 'gc'), ('G1 ', 'gc'), ('eventloop-thread-0', 'loop0'),
                 ('eventloop-thread-1', 'loop1'), ('eventloop-thread-2', 'loop2'), ('eventloop', 'loopN'), ('worker', 'worker')):
        if name.startswith(k) or k in name:
            return g
    return 'other'
def jvm():
    d = {}
    try:
        for t in os.listdir(f'/proc/{pid}/task'):
            try:
                s = open(f'/proc/{pid}/task/{t}/stat').read()
                name = s[s.index('(') + 1:s.rindex(')')]
                f = s[s.rindex(')') + 2:].split()
                d[group(name)] = d.get(group(name), 0) + int(f[11]) + int(f[12])
            except Exception:
                pass
    except FileNotFoundError:
        return None
    return d
def pg():
    try:
        pm = int(open(os.path.join(pgdata, 'postmaster.pid')).readline())
    except Exception:
        return 0
    tot = 0
    for p in os.listdir('/proc'):
        if not p.isdigit():
            continue
        try:
            s = open(f'/proc/{p}/stat').read()
            f = s[s.rindex(')') + 2:].split()
            if int(p) == pm:
                tot += int(f[11]) + int(f[12]) + int(f[13]) + int(f[14])
            elif int(f[1]) == pm:
                tot += int(f[11]) + int(f[12])
        except Exception:
            pass
    return tot
o = open(out, 'w')
t0 = time.time(); ps = stat(); pj = jvm() or {}; pp = pg()
o.write('t\tuser+sys\tidle\tiowait\tsteal\tpg\tjvm\t' + '\t'.join(['loop0', 'loop1', 'loop2', 'worker', 'jit', 'gc', 'other']) + '\n')
while True:
    time.sleep(0.5)
    s = stat(); j = jvm(); p = pg()
    if j is None:
        break
    d = [a - b for a, b in zip(s, ps)]
    tot = sum(d) or 1
    ncpu = os.cpu_count()
    pct = lambda x: 100.0 * x / tot * ncpu
    keys = ['loop0', 'loop1', 'loop2', 'worker', 'jit', 'gc', 'other']
    dj = {k: (j.get(k, 0) - pj.get(k, 0)) * 100.0 / hz / 0.5 for k in keys}
    o.write('%.1f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%s\n' % (time.time() - t0, pct(d[0] + d[1] + d[2] + d[5] + d[6]), pct(d[3]), pct(d[4]), pct(d[7]),
            (p - pp) * 100.0 / hz / 0.5, sum(dj.values()), '\t'.join('%.0f' % dj[k] for k in keys)))
    o.flush()
    ps, pj, pp = s, j, p

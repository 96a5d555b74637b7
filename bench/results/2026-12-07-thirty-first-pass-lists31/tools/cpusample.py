#!/usr/bin/env python3
# cpusample.py JVMPID PGPORT SECONDS OUT: every 100 ms, CPU ticks (1/100 s) used since the last sample by: each thread
# of the JVM (by name), the PostgreSQL server (postmaster + children, summed), wrk, and every other process (by pid:comm);
# plus the system's runnable count (procs_running). One line per sample: time, then name=ticks for nonzero ones.
import os, sys, time, subprocess
jvm, pgport, secs, out = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4]
def pm():
    r = subprocess.run(['ss', '-ltnpH', 'sport = :' + pgport], capture_output=True, text=True).stdout
    import re; m = re.search(r'pid=(\d+)', r); return int(m.group(1)) if m else -1
pgm = pm(); me = os.getpid()
def ticks(path):
    try:
        s = open(path).read(); i = s.rindex(')'); f = s[i + 2:].split()
        return int(f[11]) + int(f[12]), s[s.index('(') + 1:i], int(f[1])
    except Exception: return None
def snap():
    d = {}
    for t in os.listdir('/proc/%d/task' % jvm):
        r = ticks('/proc/%d/task/%s/stat' % (jvm, t))
        if r: d['j:' + r[1].replace(' ', '_') + ':' + t] = r[0]
    for p in os.listdir('/proc'):
        if not p.isdigit() or int(p) in (jvm, me): continue
        r = ticks('/proc/%s/stat' % p)
        if not r: continue
        if int(p) == pgm or r[2] == pgm: k = 'pg'
        elif r[1] == 'wrk': k = 'wrk'
        else: k = 'o:' + r[1].replace(' ', '_') + ':' + p
        d[k] = d.get(k, 0) + r[0]
    return d
def running():
    for l in open('/proc/stat'):
        if l.startswith('procs_running'): return int(l.split()[1])
with open(out, 'w') as f:
    prev = snap(); end = time.time() + secs
    while time.time() < end:
        time.sleep(0.1)
        cur = snap(); now = time.time()
        parts = ['%s=%d' % (k, v - prev.get(k, 0)) for k, v in cur.items() if v - prev.get(k, 0) > 0]
        f.write('%.3f\tr=%d\t%s\n' % (now, running(), ' '.join(sorted(parts))))
        prev = cur

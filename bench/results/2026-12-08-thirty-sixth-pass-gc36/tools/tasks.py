#!/usr/bin/env python3
# tasks.py SECONDS OUT [INTERVAL]: every INTERVAL s (0.25), the CPU ticks (utime+stime) each thread of every process
# used since the last sample; lines "epoch pid tid ticks comm | process name" for threads that used >= 1 tick.
import os, sys, time
secs, out = float(sys.argv[1]), sys.argv[2]
iv = float(sys.argv[3]) if len(sys.argv) > 3 else 0.25
names = {}
def pname(pid):
    if pid not in names:
        try:
            c = open('/proc/%s/cmdline' % pid, 'rb').read().replace(b'\0', b' ').decode(errors='replace')[:60]
        except Exception:
            c = '?'
        names[pid] = c
    return names[pid]
prev = {}
end = time.monotonic() + secs
me = str(os.getpid())
with open(out, 'w', buffering=1 << 16) as f:
    while time.monotonic() < end:
        t = time.time(); cur = {}
        for pid in os.listdir('/proc'):
            if not pid.isdigit() or pid == me: continue
            try: tids = os.listdir('/proc/%s/task' % pid)
            except Exception: continue
            for tid in tids:
                try: s = open('/proc/%s/task/%s/stat' % (pid, tid)).read()
                except Exception: continue
                r = s.rfind(')'); comm = s[s.find('(') + 1:r]; fl = s[r + 2:].split()
                cur[(pid, tid)] = (int(fl[11]) + int(fl[12]), comm)
        for k, (v, comm) in cur.items():
            d = v - prev.get(k, (v, ''))[0] if k in prev else 0
            if d >= 1: f.write('%.2f %s %s %d %s | %s\n' % (t, k[0], k[1], d, comm.replace(' ', '_'), pname(k[0])))
        prev = cur
        try:
            ps = []
            for r in ('cpu', 'memory', 'io'):
                for ln in open('/proc/pressure/' + r):
                    ps.append(r + '_' + ln.split()[0] + '=' + ln.split()[-1].split('=')[1])
            for ln in open('/proc/vmstat'):
                k = ln.split()
                if k[0] in ('compact_stall', 'compact_fail', 'thp_fault_alloc', 'thp_fault_fallback', 'allocstall_movable', 'allocstall_normal', 'pgmajfault'): ps.append(k[0] + '=' + k[1])
            f.write('%.2f P %s\n' % (t, ' '.join(ps)))
        except Exception: pass
        time.sleep(max(0, iv - (time.time() - t)))

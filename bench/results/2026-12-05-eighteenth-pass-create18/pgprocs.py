#!/usr/bin/env python3
"""pgprocs.py PORT PGPORT CONNS DUR MODE: one wrk create run; PG CPU per create split by process (backend's last query / process title)."""
import os, re, subprocess, sys, collections
sys.path.insert(0, '/work/wt/create18/bench')
from proc_cpu import TCK, children, ticks, pids_on
port, pgport, conns, dur, mode = sys.argv[1:6]
env = dict(l.strip().split('=', 1) for l in open('/work/create18-work/seed/data/bench-seed/store.env') if '=' in l)
pm = list(pids_on(pgport))[0]
jvm = pids_on(port)
def snap():
    d = {}
    for c in children(pm):
        d[c] = ticks([c])
    return d
def title(p):
    try: return open(f'/proc/{p}/cmdline').read().replace('\0', ' ').strip()
    except OSError: return '?'
a0, j0 = snap(), ticks(jvm)
out = subprocess.run(['wrk', '-t2', f'-c{conns}', f'-d{dur}s', '--timeout', '10s', '-s', '/work/wt/create18/bench/wrk/shoal.lua',
                      f'http://127.0.0.1:{port}', '--', mode, env['STORE_ID'], env['API_KEY']], capture_output=True, text=True).stdout
a1, j1 = snap(), ticks(jvm)
q = subprocess.run(['psql', '-w', '-h', '127.0.0.1', '-p', pgport, '-U', 'postgres', '-XAtc',
                    "SELECT pid, coalesce(nullif(backend_type,'client backend'), '') || left(regexp_replace(query, '\\s+', ' ', 'g'), 60) FROM pg_stat_activity"],
                   env=dict(os.environ, PGPASSWORD='postgres'), capture_output=True, text=True).stdout
what = dict((int(l.split('|', 1)[0]), l.split('|', 1)[1]) for l in q.splitlines() if '|' in l)
r = dict(kv.split('=') for kv in re.search(r'^RESULT (.*)$', out, re.M).group(1).split())
n = int(r['requests'])
print(f"creates={n} rps={r['rps']} p50={r['p50_ms']} p99={r['p99_ms']} jvm_ms={(j1-j0)*1000/TCK/n:.3f} load={os.getloadavg()[0]:.1f}")
by = collections.Counter()
for p in set(a0) | set(a1):
    d = a1.get(p, a0.get(p, 0)) - a0.get(p, 0)
    by[what.get(p, title(p))[:70]] += d
tot = sum(by.values())
print(f"pg_ms_per_create={tot*1000/TCK/n:.3f}")
for k, v in by.most_common(15):
    if v: print(f"  {v*1000/TCK/n:.3f}  {k}")

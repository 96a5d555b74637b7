#!/usr/bin/env python3
"""CPU per request of one running Shoal (its JVM and its PostgreSQL processes), one request at a
time, every term/query of a class once: a figure that a loaded machine distorts far less than
latency. Usage: cpu-per-request.py PORT PG_PORT SEED_DIR MODE:NAME... [--rounds N]
Prints per class: requests, server JVM ms, PostgreSQL ms, both per request, and wall ms per request."""
import os, re, subprocess, sys, time, urllib.parse, urllib.request
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from proc_cpu import TCK, children, pids_on, ticks  # noqa: E402

port, pg_port, seed = sys.argv[1], sys.argv[2], sys.argv[3]
classes = [a for a in sys.argv[4:] if ':' in a]
env = dict(l.strip().split('=', 1) for l in open(os.path.join(seed, 'store.env')) if '=' in l)
tck = TCK

jvm = pids_on(port)
post = pids_on(pg_port)
# what both use when idle (background work: evaluators, autovacuum), subtracted from each class
pg = set(post) | {c for p in post for c in children(p)}
j0, p0, w0 = ticks(jvm), ticks(pg), time.time()
time.sleep(5)
idle_j, idle_p = (ticks(jvm) - j0) / (time.time() - w0), (ticks(pg) - p0) / (time.time() - w0)
print(f"idle\tjvm_ms_per_s={idle_j*1000/tck:.1f}\tpg_ms_per_s={idle_p*1000/tck:.1f}", flush=True)
for cls in classes:
    mode, name = cls.split(':')
    f = os.path.join(seed, ('terms-' if mode == 'search' else 'queries-') + name + '.txt')
    items = [l.strip() for l in open(f) if l.strip()]
    urls = [f"http://127.0.0.1:{port}/v1/stores/{env['STORE_ID']}/customers?" +
            ('search=' + urllib.parse.quote(i) if mode == 'search' else i) for i in items]
    pg = set(post) | {c for p in post for c in children(p)}
    j0, p0, w0 = ticks(jvm), ticks(pg), time.time()
    for u in urls:
        req = urllib.request.Request(u, headers={'Authorization': 'Bearer ' + env['API_KEY']})
        urllib.request.urlopen(req, timeout=60).read()
    pg = set(post) | {c for p in post for c in children(p)}
    j1, p1, w1 = ticks(jvm), ticks(pg), time.time()
    n = len(urls)
    j1 -= idle_j * (w1 - w0)
    p1 -= idle_p * (w1 - w0)
    print(f"{cls}\t{n}\tjvm_ms_per_req={(j1-j0)*1000/tck/n:.2f}\tpg_ms_per_req={(p1-p0)*1000/tck/n:.2f}"
          f"\twall_ms_per_req={(w1-w0)*1000/n:.1f}\tload1={os.getloadavg()[0]:.1f}", flush=True)

#!/usr/bin/env python3
"""create33: bench/create-cpu.py with any number of sides, order a b c c b a / c b a a b c.
CPU per create of running Shoal servers, side by side (issue 17, sixteenth pass): wrk's create
mode (bench/wrk/shoal.lua) for DURATION s at CONNS connections against each side in turn, order
base new new base per round, and the CPU its JVM and its PostgreSQL processes (postmaster and
backends, from /proc) used meanwhile, divided by the creates answered.
Usage: create-cpu.py SEED_DIR DURATION CONNS ROUNDS base:PORT:PG_PORT new:PORT:PG_PORT [MODE]
MODE: create (default) or create_short (emails of a usual length, see shoal.lua).
Prints one line per run (tab-separated): round, side, creates, creates/s, p50/p99 ms, JVM ms and
PostgreSQL ms per create, load1 before the run. The rows it adds stay (delete them with
BenchDb.java reset)."""
import os, re, subprocess, sys, time
sys.path.insert(0, '/work/wt/create35/bench')
from proc_cpu import TCK, children, pids_on, ticks  # noqa: E402

seed, dur, conns, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sides = {s.split(':')[0]: (s.split(':')[1], s.split(':')[2]) for s in sys.argv[5:] if ':' in s}
mode = ([a for a in sys.argv[5:] if ':' not in a] or ['create'])[0]
env = dict(l.strip().split('=', 1) for l in open(os.path.join(seed, 'store.env')) if '=' in l)
tck = TCK
lua = '/work/wt/create35/bench/wrk/shoal.lua'

def wrk_mode():  # create35: search_surname / search_email as bench/run.sh runs them (terms from the seed's files)
    return ['search'] if mode.startswith('search_') else [mode]

def wrk_file():
    return [os.path.join(seed, 'terms-' + mode[len('search_'):] + '.txt')] if mode.startswith('search_') else []

def pending(pg_port):  # create35: customers created and not yet moved into customer_search (V80; '-' on main)
    out = subprocess.run(['psql', '-w', '-h', '127.0.0.1', '-p', pg_port, '-U', 'postgres', '-XAtc',
                          "SELECT count(*) FROM customer_search_pending"],
                         capture_output=True, text=True, env=dict(os.environ, PGPASSWORD='postgres')).stdout.strip()
    return out or '-'

def run(side, rnd):
    port, pg_port = sides[side]
    jvm, post = pids_on(port), pids_on(pg_port)
    load = os.getloadavg()[0]
    # backends come and go: a backend that ends during the run takes its ticks along (the pool keeps them)
    pg0 = set(post) | {c for p in post for c in children(p)}
    j0, p0 = ticks(jvm), ticks(pg0)
    out = subprocess.run(['wrk', '-t2', f'-c{conns}', f'-d{dur}s', '--timeout', '10s', '-s', lua,
                          f'http://127.0.0.1:{port}', '--', *wrk_mode(), env['STORE_ID'], env['API_KEY'], *wrk_file()],
                         capture_output=True, text=True).stdout
    pg1 = set(post) | {c for p in post for c in children(p)}
    j1, p1 = ticks(jvm), ticks(pg0 | pg1)
    r = dict(kv.split('=') for kv in re.search(r'^RESULT (.*)$', out, re.M).group(1).split())
    n = int(r['requests'])
    print(f"{rnd}\t{side}\t{n}\t{float(r['rps']):.0f}\t{r['p50_ms']}\t{r['p99_ms']}\t{r['non2xx']}"
          f"\t{(j1 - j0) * 1000 / tck / n:.3f}\t{(p1 - p0) * 1000 / tck / n:.3f}\t{load:.2f}\t{pending(pg_port)}", flush=True)

print(f"mode {mode}", flush=True)
print("round\tside\tcreates\tper_s\tp50_ms\tp99_ms\tnon2xx\tjvm_ms_per_create\tpg_ms_per_create\tload1\tpending_after", flush=True)
for rnd in range(1, rounds + 1):
    names = list(sides)  # in the order given: a b c, then c b a (round 1: a b c c b a; round 2: c b a a b c)
    order = names + names[::-1] if rnd % 2 else names[::-1] + names
    for side in order:
        run(side, rnd)

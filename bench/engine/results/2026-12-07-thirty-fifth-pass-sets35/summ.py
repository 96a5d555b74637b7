#!/usr/bin/env python3
# sets35 (engine34's summ.py): one line per single-ingest run of one/logs/runs.log: events/s, p99, cores; the flips
# statement and the notification sets' statement per event (pg_stat_statements with buffers and WAL, pg-io-*.txt):
# PostgreSQL ms / buffers hit / WAL records / WAL bytes an event, their sum; all statements of the batch and ingest
# summed; WAL in all an event (pg-wal-*.txt). Events = rows of the event inserts.
import re, sys
L = sys.argv[1] if len(sys.argv) > 1 else '.'
runs = {}
side = None
for line in open(f'{L}/runs.log'):
    m = re.match(r'=== (base|new) (\d\d):(\d\d):(\d\d) load: (\S+)', line)
    if m: side, tag, load0 = m.group(1), m.group(2)+m.group(3)+m.group(4), m.group(5)
    if line.startswith(('base\tingest_single', 'new\tingest_single')):
        kv = dict(x.split('=') for x in line.split('\t')[3].split() if '=' in x)
        runs[f'{side}-{tag}'] = (kv, load0)
def io(path):
    rows = []
    for line in open(path):
        p = [x.strip() for x in line.split('|')]
        if len(p) >= 11 and p[0].isdigit(): rows.append(p)
    return rows
keys = ("WITH u AS (SELECT u.s, u.c, u.seen", "INSERT INTO segment_flips", "INSERT INTO notification_sets", "WITH written AS (INSERT INTO events",
        "UPDATE customers c SET total_orders", "INSERT INTO segment_member_counts", "UPDATE evaluator_checkpoints", "INSERT INTO events")
print("| run (load1 at start) | events/s | p99 ms | cores Shoal / PG / other | flips stmt: ms / buffers / WAL rec / WAL B an event | sets stmt: same | flips + sets: ms / WAL B an event | batch + ingest stmts ms an event | WAL in all B an event |")
print("|---|---|---|---|---|---|---|---|---|")
for name, (kv, load0) in sorted(runs.items(), key=lambda x: x[0].split('-')[1]):
    rows = io(f'{L}/{name}-pg-io-ingest.txt')
    log = [r for r in rows if r[10].startswith(("WITH written AS (INSERT INTO events", "INSERT INTO events"))]
    ev = sum(int(r[2]) for r in log)
    def st(prefix):
        rs = [r for r in rows if r[10].startswith(prefix)]
        s = lambda i: sum(float(r[i]) for r in rs)
        return s(1)/ev, s(3)/ev, s(7)/ev, s(9)/ev
    f = st("INSERT INTO segment_flips"); n = st("INSERT INTO notification_sets")
    tot = sum(float(r[1]) for r in rows if r[10].startswith(keys))
    w = [l for l in open(f'{L}/{name}-pg-wal-ingest.txt') if re.match(r'\s*\d', l)][0].split('|')
    fmt = lambda t: f"{t[0]:.3f} / {t[1]:.1f} / {t[2]:.1f} / {t[3]:,.0f}"
    print(f"| {name} ({load0}) | {float(kv['eps']):,.0f} | {float(kv['p99_ms']):.0f} | {kv['cpu_shoal']} / {kv['cpu_pg']} / {kv['cpu_other']} | "
          f"{fmt(f)} | {fmt(n)} | {f[0]+n[0]:.3f} / {f[3]+n[3]:,.0f} | {tot/ev:.3f} | {int(w[2])/ev:,.0f} |")

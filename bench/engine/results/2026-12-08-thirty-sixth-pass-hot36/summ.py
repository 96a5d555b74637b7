#!/usr/bin/env python3
# hot36 (sets35's summ.py): one line per single-ingest run of one/logs/runs.log: events/s, p99, cores; the state
# statement (EvaluationStore.SQL_STATES, pg_stat_statements with buffers and WAL, pg-io-*.txt) per event: PostgreSQL ms,
# buffers hit / dirtied / written, WAL records, full-page images, WAL bytes; customer_eval_state's updates and HOT share
# in the step (pg-wal-*.txt); WAL in all and full-page images in all an event. Events = rows of the event inserts.
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
keys = ("WITH u AS (SELECT u.s, u.c, u.seen", "INSERT INTO segment_flips", "WITH written AS (INSERT INTO events",
        "UPDATE customers c SET total_orders", "INSERT INTO segment_member_counts", "UPDATE evaluator_checkpoints", "INSERT INTO events")
print("| run (load1 at start) | events/s | p99 ms | cores Shoal / PG / other | state stmt an event: PG ms / hit / dirtied / written / WAL rec / FPI / WAL B | state rows updated, HOT | batch + ingest stmts PG ms an event | WAL in all an event: B / FPI |")
print("|---|---|---|---|---|---|---|---|")
for name, (kv, load0) in sorted(runs.items(), key=lambda x: x[0].split('-')[1]):
    rows = io(f'{L}/{name}-pg-io-ingest.txt')
    log = [r for r in rows if r[10].startswith(("WITH written AS (INSERT INTO events", "INSERT INTO events"))]
    ev = sum(int(r[2]) for r in log)
    rs = [r for r in rows if r[10].startswith("WITH u AS (SELECT u.s, u.c, u.seen")]
    s = lambda i: sum(float(r[i]) for r in rs) / ev
    tot = sum(float(r[1]) for r in rows if r[10].startswith(keys))
    wal = open(f'{L}/{name}-pg-wal-ingest.txt').read()
    w = [l for l in wal.splitlines() if re.match(r'\s*\d', l)][0].split('|')
    hot = re.search(r'customer_eval_state updates: (\d+) hot: (\d+)', wal)
    upd, h = int(hot.group(1)), int(hot.group(2))
    print(f"| {name} ({load0}) | {float(kv['eps']):,.0f} | {float(kv['p99_ms']):.0f} | {kv['cpu_shoal']} / {kv['cpu_pg']} / {kv['cpu_other']} | "
          f"{s(1):.3f} / {s(3):.1f} / {s(5):.2f} / {s(6):.2f} / {s(7):.2f} / {s(8):.3f} / {s(9):,.0f} | {upd:,}, {h:,} ({100*h/max(upd,1):.0f} %) | "
          f"{tot/ev:.3f} | {int(w[2])/ev:,.0f} / {int(w[1])/ev:.3f} |")

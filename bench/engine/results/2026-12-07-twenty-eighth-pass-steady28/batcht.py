#!/usr/bin/env python3
"""steady28: summary of the diag jar's BATCHT lines (one per evaluator batch) from a Shoal log.
batcht.py LOG [FROM_MS TO_MS]: quantiles of sizes and stage times, over all batches and over the batches holding events."""
import re, sys
rows = []
for line in open(sys.argv[1], errors='replace'):
    i = line.find('BATCHT ')
    if i < 0: continue
    kv = dict(x.split('=', 1) for x in line[i + 7:].split() if '=' in x)
    r = {}
    for k, v in kv.items():
        try: r[k] = float(v)
        except ValueError: r[k] = v
    rows.append(r)
if len(sys.argv) > 3:
    a, b = float(sys.argv[2]), float(sys.argv[3])
    rows = [r for r in rows if a <= r['at'] <= b]
def q(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))] if xs else float('nan')
keys = ['cust', 'trans', 'deltas', 'events', 'oldest_event_wait_ms', 'req_to_flush_ms', 'build_ms', 'conn_ms', 'begin_ms', 'cust_ms', 'trans_ms', 'notif_ms', 'counts_ms', 'stmts_ms', 'commit_ms', 'total_ms']
def table(name, rs):
    if not rs: return
    span = (max(r['at'] for r in rs) - min(r['at'] for r in rs)) / 1000 or 1
    print('%s: %d batches over %.0f s (%.1f/s), counts in %d, chained %d' % (name, len(rs), span, len(rs) / span,
          sum(1 for r in rs if r.get('counts') == 'true'), sum(1 for r in rs if r.get('chained') == 'true')))
    print('  %-22s %8s %8s %8s %8s %8s' % ('', 'p50', 'p90', 'p99', 'max', 'sum'))
    for k in keys:
        xs = [r[k] for r in rs if k in r and isinstance(r[k], float) and r[k] >= 0]
        if xs: print('  %-22s %8.1f %8.1f %8.1f %8.1f %8.0f' % (k, q(xs, .5), q(xs, .9), q(xs, .99), max(xs), sum(xs)))
table('all', rows)
table('with events', [r for r in rows if r.get('events', 0) > 0])
slow = sorted(rows, key=lambda r: -r['total_ms'])[:12]
print('slowest batches:')
for r in slow:
    print('  ' + ' '.join('%s=%s' % (k, ('%.0f' % r[k]) if isinstance(r[k], float) else r[k]) for k in ['p', 'at', 'chained', 'counts', 'cust', 'trans', 'deltas', 'events', 'oldest_event_wait_ms', 'cust_ms', 'trans_ms', 'notif_ms', 'counts_ms', 'stmts_ms', 'commit_ms', 'total_ms']))

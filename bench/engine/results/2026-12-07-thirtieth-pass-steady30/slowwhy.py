#!/usr/bin/env python3
"""steady30: for each batch >= SLOW ms of a diag run: the statement answered last (or BEGIN/COMMIT), a flips insert
>= 50 ms in PostgreSQL's log inside it (the GIN merge), a GC pause overlapping it. usage: slowwhy.py BATCHT PGLOG GCLOG FROM TO SLOW"""
import sys, re, datetime as dt
from collections import Counter
bt, pl, gl, t0, t1, slow = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]) * 1000, float(sys.argv[5]) * 1000, float(sys.argv[6])
B = []
for l in open(bt):
    d = dict(re.findall(r'(\w+)=(\S+)', l[l.index('BATCHT'):]))
    d = {k: (float(v) if re.match(r'^-?[\d.]+$', v) else v) for k, v in d.items()}
    if t0 <= d['wall'] <= t1: B.append(d)
gin = []
for l in open(pl, errors='replace'):
    m = re.match(r'(\S+ \S+) UTC \[\d+\] .*? LOG:  duration: ([\d.]+) ms  (?:execute \S+|statement): (.{0,30})', l)
    if m and m.group(3).startswith('INSERT INTO segment_flips') and float(m.group(2)) >= 50:
        e = dt.datetime.strptime(m.group(1), '%Y-%m-%d %H:%M:%S.%f').replace(tzinfo=dt.timezone.utc).timestamp() * 1000
        gin.append((e - float(m.group(2)), e))
gc = []
for l in open(gl):
    m = re.match(r'\[(\S+?)\+0000\].*Pause .* ([\d.]+)ms$', l.strip())
    if m:
        e = dt.datetime.strptime(m.group(1), '%Y-%m-%dT%H:%M:%S.%f').replace(tzinfo=dt.timezone.utc).timestamp() * 1000
        gc.append((e - float(m.group(2)), e))
S = [b for b in B if b['total_ms'] >= slow]
why = Counter(); last = Counter()
for b in S:
    s, e = b['wall'], b['wall'] + b['build_ms'] + b['total_ms']
    g = any(a < e and z > s for a, z in gin); p = any(a < e and z > s for a, z in gc)
    st = {k: b[k + '_ms'] - b['begin_ms'] for k in ['states', 'aggr', 'trans', 'notif', 'counts'] if b[k + '_ms'] >= 0}
    parts = {'begin': b['begin_ms'], 'stmts': b['stmts_ms'] - b['begin_ms'], 'commit': b['commit_ms']}
    dom = max(parts, key=parts.get)
    if dom == 'stmts' and st: dom = 'stmt:' + max(st, key=st.get)
    last[dom] += 1
    why[('GIN merge inside' if g else '') + (' GC pause inside' if p else '') or 'neither'] += 1
print(f"batches {len(B)}, >= {slow:.0f} ms: {len(S)}")
print("  longest phase:", dict(last.most_common()))
print("  overlaps:", dict(why.most_common()))
print(f"  GIN merges (flips insert >= 50 ms) in the window: {sum(1 for a, z in gin if t0 <= a <= t1)}; GC pauses: {sum(1 for a, z in gc if t0 <= a <= t1)}, their ms: {sorted(round(z - a) for a, z in gc if t0 <= a <= t1)}")
# knock-on: a slow batch whose partition's previous batch (or the one before) held a GIN merge
byp = {}
for b in sorted(B, key=lambda b: b['wall']): byp.setdefault(b['p'], []).append(b)
def ginin(b):
    s, e = b['wall'], b['wall'] + b['build_ms'] + b['total_ms']
    return any(a < e and z > s for a, z in gin)
after = 0; otherp = 0
for p, L in byp.items():
    for i, b in enumerate(L):
        if b['total_ms'] >= slow and not ginin(b):
            if any(ginin(x) for x in L[max(0, i - 2):i]): after += 1
            elif any(ginin(x) and x['wall'] < b['wall'] + b['total_ms'] and x['wall'] + x['total_ms'] > b['wall'] for q, M in byp.items() if q != p for x in M): otherp += 1
print(f"  slow batches without a merge of their own: {sum(1 for b in S if not ginin(b))}; right after one in their partition (1-2 batches): {after}; overlapping one of the other partition: {otherp}")

#!/usr/bin/env python3
"""steady30: BATCHT lines of a diag run (+ sampler + PostgreSQL log): the slow batches, their phases and what ran meanwhile.
usage: analyze.py BATCHT SAMPLES PGLOG [from_epoch_s to_epoch_s] [slow_ms]"""
import sys, re, statistics, datetime as dt
from collections import Counter, defaultdict
bt, sf, pl = sys.argv[1:4]
t0 = float(sys.argv[4]) * 1000 if len(sys.argv) > 4 else 0
t1 = float(sys.argv[5]) * 1000 if len(sys.argv) > 5 else 1e18
slow = float(sys.argv[6]) if len(sys.argv) > 6 else 80
B = []
for l in open(bt):
    d = dict(re.findall(r'(\w+)=(\S+)', l[l.index('BATCHT'):]))
    for k in list(d):
        try: d[k] = float(d[k])
        except ValueError: pass
    if t0 <= d['wall'] <= t1: B.append(d)
def q(v, p): v = sorted(v); return v[min(len(v)-1, int(p*len(v)))] if v else -1
print(f"batches {len(B)}; total_ms p50 {q([b['total_ms'] for b in B],.5):.1f} p90 {q([b['total_ms'] for b in B],.9):.1f} p99 {q([b['total_ms'] for b in B],.99):.1f} max {max(b['total_ms'] for b in B):.1f}")
for k in ['cust','trans','events','deltas','begin_ms','states_ms','trans_ms','notif_ms','counts_ms','stmts_ms','commit_ms','oldest_wait_ms','build_ms']:
    v = [b[k] for b in B if b[k] >= 0]
    print(f"  {k:15s} p50 {q(v,.5):8.1f} p90 {q(v,.9):8.1f} p99 {q(v,.99):8.1f} max {max(v) if v else -1:8.1f}")
S = [b for b in B if b['total_ms'] >= slow]
print(f"slow batches (>= {slow} ms): {len(S)} ({100*len(S)/len(B):.1f} %); with counts {sum(1 for b in S if b['counts']=='true')} (all batches: {100*sum(1 for b in B if b['counts']=='true')/len(B):.0f} % with counts); with due checks {sum(1 for b in S if b['due']>0)} (all: {sum(1 for b in B if b['due']>0)})")
# which phase dominates: begin (waiting for BEGIN's answer incl. conn), statements after begin, commit
ph = Counter()
for b in S:
    parts = {'begin': b['begin_ms'], 'stmts': b['stmts_ms'] - b['begin_ms'], 'commit': b['commit_ms'], 'build': b['build_ms']}
    ph[max(parts, key=parts.get)] += 1
print('  dominant phase of the slow batches:', dict(ph))
# samples
A = defaultdict(list); D = []
for l in open(sf):
    f = l.split()
    if f[0] == 'A': A[int(f[1])].append(f[2:])
    elif f[0] == 'D': D.append(l)
ts = sorted(A)
import bisect
logl = []
for l in open(pl, errors='replace'):
    m = re.match(r'(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) UTC', l)
    if m:
        t = dt.datetime.strptime(m.group(1), '%Y-%m-%d %H:%M:%S.%f').replace(tzinfo=dt.timezone.utc).timestamp() * 1000
        logl.append((t, l.rstrip()[:260]))
    elif logl and l.startswith('\t'):
        pass
def around(b):
    s, e = b['wall'], b['wall'] + b['total_ms'] + b['build_ms']
    ww = Counter(); other = Counter()
    for t in ts[bisect.bisect_left(ts, s): bisect.bisect_right(ts, e)]:
        for r in A[t]:
            pid, bt_, st, we, qms, xms = r[:6]; qq = ' '.join(r[6:])[:40]
            ww[(bt_, we, qq[:28])] += 1
    lg = [x for x in logl if s - 200 <= x[0] <= e + 50]
    return ww, lg
for b in sorted(S, key=lambda b: b['wall']):
    print(f"\n{dt.datetime.utcfromtimestamp(b['wall']/1000).strftime('%H:%M:%S.%f')[:-3]} p{b['p']:.0f} total {b['total_ms']:.0f} | cust {b['cust']:.0f} trans {b['trans']:.0f} ev {b['events']:.0f} due {b['due']:.0f} counts {b['counts']} chained {b['chained']} | conn {b['conn_ms']:.1f} begin {b['begin_ms']:.1f} states {b['states_ms']:.1f} aggr {b['aggr_ms']:.1f} trans {b['trans_ms']:.1f} notif {b['notif_ms']:.1f} counts {b['counts_ms']:.1f} stmts {b['stmts_ms']:.1f} commit {b['commit_ms']:.1f} | wait {b['oldest_wait_ms']:.0f}")
    ww, lg = around(b)
    for (k, n) in ww.most_common(8):
        print(f"    {n:3d} x {k}")
    for t, l in lg[:6]:
        print('    LOG', l)

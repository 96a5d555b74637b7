#!/usr/bin/env python3
"""Medians of a bench/http-side-by-side.sh raw.tsv: summary.py RAW.tsv [ROUNDS-TO-SKIP, e.g. 1]
Per scenario and build: req/s, p50, p99, Shoal JVM CPU per request (cpu_shoal_jvm x duration /
requests, the whole JVM), the share of the ceiling measured in the same round (ceiling8 for get8
when it was run, else the 64-connection ceiling), and new/base ratios."""
import sys, statistics as st, collections
rows = []
for line in open(sys.argv[1]):
    f = line.rstrip('\n').split('\t')
    kv = dict(x.split('=', 1) for x in f[3].split()); kv.update(dict(x.split('=', 1) for x in f[4:]))
    rows.append((int(f[0]), f[1], f[2], kv))
skip = set(int(x) for x in sys.argv[2].split(',')) if len(sys.argv) > 2 and sys.argv[2] else set()
rows = [r for r in rows if r[0] not in skip]
ceil = collections.defaultdict(dict)
for rnd, side, sc, kv in rows:
    if sc.startswith('ceiling'):
        ceil[sc.replace('ceiling', '') or '64'][rnd] = float(kv['rps'])
by = collections.defaultdict(dict)
for rnd, side, sc, kv in rows:
    if sc.startswith('ceiling'):
        continue
    conns = sc.replace('get', '')
    c_rps = ceil.get(conns, ceil['64'])[rnd]
    req = int(kv['requests']); d = float(kv['duration_s']); c = float(kv['cpu_shoal_jvm'])
    by[(sc, side)][rnd] = dict(rps=float(kv['rps']), p50=float(kv['p50_ms']), p99=float(kv['p99_ms']),
                               cpu=c * d / req * 1e6, ceil=float(kv['rps']) / c_rps, load=float(kv['load1']))
for conns, v in sorted(ceil.items()):
    vals = list(v.values())
    print(f"ceiling {conns} conns: rounds {sorted(v)}, req/s median {st.median(vals):.0f} ({min(vals):.0f}-{max(vals):.0f})")
for sc in ('get64', 'get8'):
    for side in ('base', 'new'):
        v = list(by[(sc, side)].values())
        if not v:
            continue
        m = lambda k: st.median([x[k] for x in v])
        print(f"{sc} {side}: req/s median {m('rps'):.0f} ({min(x['rps'] for x in v):.0f}-{max(x['rps'] for x in v):.0f})"
              f" p50 {m('p50'):.2f} ms p99 {m('p99'):.1f} ms ({min(x['p99'] for x in v):.1f}-{max(x['p99'] for x in v):.1f})"
              f" JVM CPU/req {m('cpu'):.1f} us, of ceiling median {m('ceil'):.2f}"
              f" ({min(x['ceil'] for x in v):.2f}-{max(x['ceil'] for x in v):.2f}), load1 {min(x['load'] for x in v)}-{max(x['load'] for x in v)}")
    b = by[(sc, 'base')]; n = by[(sc, 'new')]
    if b and n:
        rat = [n[r]['rps'] / b[r]['rps'] for r in n if r in b]
        cr = [n[r]['cpu'] / b[r]['cpu'] for r in n if r in b]
        print(f"  {sc} new/base: ratio of medians {st.median([x['rps'] for x in n.values()]) / st.median([x['rps'] for x in b.values()]):.2f},"
              f" median of per-round ratios {st.median(rat):.2f} ({min(rat):.2f}-{max(rat):.2f}), new faster in {sum(r > 1 for r in rat)}/{len(rat)} rounds;"
              f" JVM CPU per request new/base median {st.median(cr):.2f}")

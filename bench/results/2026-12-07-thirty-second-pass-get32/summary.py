#!/usr/bin/env python3
"""get32: one row per side, round and connection count from the A/B runs' raw.tsv (bench/run.sh), with the
server's CPU a get: total from raw.tsv's cpu_server (% of a core over the run), user and system apart from the
1 s /proc samples (cpu-<side>-<round>.tsv) over the run's window (its log line's time minus the run's duration)."""
import csv, glob, os, re, sys, statistics, datetime
d = os.path.dirname(os.path.abspath(__file__))  # run in /work/get32-work/ab (the run logs), or here
HZ = os.sysconf('SC_CLK_TCK')
rows = []
for raw in sorted(glob.glob(f'{d}/*-*/raw.tsv')):
    tag = os.path.basename(os.path.dirname(raw)); side, rnd = tag.split('-')
    day = None
    env = open(os.path.join(os.path.dirname(raw), 'env.txt')).read()
    day = re.search(r'date_utc=(\S+)T', env).group(1)
    samples = []
    cf = f'{d}/cpu-{side}-{rnd}.tsv'
    if os.path.exists(cf):
        for line in open(cf):
            p = line.split()
            if len(p) == 3: samples.append((float(p[0]), int(p[1]), int(p[2])))
    ends = {}
    for line in open(f'{d}/run-{side}-{rnd}.log'):
        m = re.match(r'\[(\d\d:\d\d:\d\d)\]\s+(\S+) run 1:', line)
        if m:
            t = datetime.datetime.fromisoformat(f'{day}T{m.group(1)}+00:00').timestamp()
            ends[m.group(2)] = t
    for r in csv.DictReader(open(raw), delimiter='\t'):
        rps = float(r['rps']); dur = float(r['duration_s']); label = r['label']
        us = float(r['cpu_server']) / 100 * 1e6 / rps
        usr = sysm = None
        if label in ends and samples and r['mode'] == 'get':
            t1 = ends[label]; t0 = t1 - dur
            a = min(samples, key=lambda s: abs(s[0] - t0)); b = min(samples, key=lambda s: abs(s[0] - t1))
            span = b[0] - a[0]
            if span > dur * 0.8:
                n = rps * span
                usr = (b[1] - a[1]) / HZ * 1e6 / n; sysm = (b[2] - a[2]) / HZ * 1e6 / n
        rows.append(dict(side=side, round=int(rnd), mode=r['mode'], conns=int(r['conns']), rps=rps,
                         p99=float(r['p99_ms']), us=us, usr=usr, sys=sysm, load=r['load1']))
def get(side, rnd, mode, conns):
    for x in rows:
        if (x['side'], x['round'], x['mode'], x['conns']) == (side, rnd, mode, conns): return x
print('| round | side | conns | ceiling req/s | get req/s | get / ceiling | get p99 ms | server CPU us a get (user / sys) | load1 |')
print('|---|---|---:|---:|---:|---:|---:|---|---|')
rounds = sorted({x['round'] for x in rows})
for conns in (64, 8):
    for rnd in rounds:
        for side in ('base', 'new'):
            c, g = get(side, rnd, 'ceiling', conns), get(side, rnd, 'get', conns)
            if not (c and g): continue
            us = f"{g['us']:.1f}" + (f" ({g['usr']:.1f} / {g['sys']:.1f})" if g['usr'] is not None else '')
            print(f"| {rnd} | {side} | {conns} | {c['rps']:,.0f} | {g['rps']:,.0f} | {g['rps']/c['rps']:.2f}x | {g['p99']:.2f} | {us} | {g['load']} |")
print()
print('| conns | measure | base median | new median | new / base | per round new / base |')
print('|---:|---|---:|---:|---:|---|')
for conns in (64, 8):
    for name, f in (('get req/s', lambda s, r: get(s, r, 'get', conns)['rps']),
                    ('ceiling req/s', lambda s, r: get(s, r, 'ceiling', conns)['rps']),
                    ('get / ceiling', lambda s, r: get(s, r, 'get', conns)['rps'] / get(s, r, 'ceiling', conns)['rps']),
                    ('get p99 ms', lambda s, r: get(s, r, 'get', conns)['p99']),
                    ('server CPU us a get', lambda s, r: get(s, r, 'get', conns)['us']),
                    ('user us a get', lambda s, r: get(s, r, 'get', conns)['usr']),
                    ('sys us a get', lambda s, r: get(s, r, 'get', conns)['sys'])):
        try:
            rs = [r for r in rounds if get('base', r, 'get', conns) and get('new', r, 'get', conns)]
            b = [f('base', r) for r in rs]; n = [f('new', r) for r in rs]
            if None in b or None in n: continue
            per = ', '.join(f'{y/x:.2f}' for x, y in zip(b, n))
            mb, mn = statistics.median(b), statistics.median(n)
            print(f'| {conns} | {name} | {mb:,.2f} | {mn:,.2f} | {mn/mb:.2f}x | {per} |')
        except (TypeError, KeyError):
            pass

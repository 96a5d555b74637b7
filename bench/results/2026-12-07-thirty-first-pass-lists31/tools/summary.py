#!/usr/bin/env python3
# summary.py RAW.tsv: per class and connection count, medians over the rounds of each side, new/base per round
import csv, statistics as st, sys, collections
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
by = collections.defaultdict(dict)
for r in rows:
    by[(r['class'], int(r['conns']))].setdefault(r['round'], {})[r['side']] = r
print('| class | conns | req/s base -> new (median) | new/base per round | p99 ms base -> new (median; per round) | JVM ms/req base -> new | PG ms/req base -> new | pool wait ms base -> new | load |')
print('|---|---:|---|---|---|---|---|---|---|')
order = ['tags', 'created', 'segment', 'metadata', 'surname']
for (cls, conns) in sorted(by, key=lambda k: (-k[1], order.index(k[0]) if k[0] in order else 99)):
    rs = by[(cls, conns)]
    rounds = sorted(k for k in rs if 'base' in rs[k] and 'new' in rs[k])
    if not rounds: continue
    f = lambda side, col: [float(rs[k][side][col]) for k in rounds]
    med = lambda side, col: st.median(f(side, col))
    ratio = [float(rs[k]['new']['rps']) / float(rs[k]['base']['rps']) for k in rounds]
    loads = [float(rs[k][s]['load1']) for k in rounds for s in ('base', 'new')]
    p99 = lambda side: '/'.join('%.0f' % v for v in f(side, 'p99_ms'))
    print('| %s | %d | %s -> %s (**%.2fx**) | %s | %.1f -> **%.1f** (%s -> %s) | %.2f -> %.2f | %.3f -> %.3f | %.0f -> %.0f | %.1f-%.1f |' % (
        cls, conns, format(round(med('base', 'rps')), ','), format(round(med('new', 'rps')), ','), med('new', 'rps') / med('base', 'rps'),
        ', '.join('%.2f' % x for x in ratio), med('base', 'p99_ms'), med('new', 'p99_ms'), p99('base'), p99('new'),
        med('base', 'shoal_ms_req'), med('new', 'shoal_ms_req'), med('base', 'pg_ms_req'), med('new', 'pg_ms_req'),
        med('base', 'pool_wait_ms'), med('new', 'pool_wait_ms'), min(loads), max(loads)))

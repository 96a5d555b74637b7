import csv, sys, statistics as st, collections
rows = []
for path in sys.argv[1:]:
    for r in csv.DictReader(open(path), delimiter='\t'):
        r['run'] = path.split('/')[-2]; rows.append(r)
g = collections.defaultdict(list)
for r in rows: g[(r['class'], int(r['conns']), r['side'])].append(r)
print("| list | conns | rounds | req/s base (median) | req/s new | new/base | per-round new/base | p99 ms base → new (median) | load1 |")
print("|---|---:|---:|---:|---:|---:|---|---|---|")
for cls in ['tags', 'created', 'metadata', 'segment']:
    for c in [64, 8]:
        b, n = g[(cls, c, 'base')], g[(cls, c, 'new')]
        if not b: continue
        rb = st.median(float(x['rps']) for x in b); rn = st.median(float(x['rps']) for x in n)
        pb = st.median(float(x['p99_ms']) for x in b); pn = st.median(float(x['p99_ms']) for x in n)
        per = [float(y['rps'])/float(x['rps']) for x, y in zip(b, n)]
        loads = [float(x['load1']) for x in b + n]
        print(f"| {cls} | {c} | {len(b)} | {rb:,.0f} | {rn:,.0f} | {rn/rb:.2f}x | {', '.join(f'{p:.2f}' for p in per)} | {pb:.1f} → {pn:.1f} | {min(loads):.1f}–{max(loads):.1f} |")

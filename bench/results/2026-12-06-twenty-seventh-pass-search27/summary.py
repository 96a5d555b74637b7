import sys, statistics as st, collections
rows=[l.rstrip('\n').split('\t') for l in open(sys.argv[1])]
h=rows[0]; rows=[dict(zip(h,r)) for r in rows[1:]]
skip=set(sys.argv[2].split(',')) if len(sys.argv)>2 else set()
g=collections.defaultdict(list)
for r in rows:
    if r['round'] in skip: continue
    g[(r['class'],r['conns'],r['side'])].append(r)
keys=sorted({(c,n) for c,n,s in g}, key=lambda k:(k[0],int(k[1])))
print('| class | conns | req/s base -> new (median) | new/base per round | p99 ms base -> new (median; per round) | JVM ms/req base -> new | PG ms/req base -> new | pool wait ms base -> new | load |')
print('|---|---:|---|---|---|---|---|---|---|')
for c,n in keys:
    b=g[(c,n,'base')]; w=g[(c,n,'new')]
    med=lambda rs,f: st.median(float(r[f]) for r in rs)
    ratios=', '.join('%.2f'%(float(y['rps'])/float(x['rps'])) for x,y in zip(b,w))
    p99s='/'.join('%.0f'%float(x['p99_ms']) for x in b)+' -> '+'/'.join('%.0f'%float(y['p99_ms']) for y in w)
    loads=[float(r['load1']) for r in b+w]
    print('| %s | %s | %s -> %s (**%.2fx**) | %s | %.1f -> **%.1f** (%s) | %.2f -> %.2f | %.2f -> %.2f | %.0f -> %.0f | %.1f-%.1f |' % (
        c,n,format(round(med(b,'rps')),','),format(round(med(w,'rps')),','),med(w,'rps')/med(b,'rps'),ratios,
        med(b,'p99_ms'),med(w,'p99_ms'),p99s,med(b,'shoal_ms_req'),med(w,'shoal_ms_req'),med(b,'pg_ms_req'),med(w,'pg_ms_req'),
        med(b,'pool_wait_ms'),med(w,'pool_wait_ms'),min(loads),max(loads)))

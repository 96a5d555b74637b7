import csv, sys, statistics as st
# summary.py RAW.tsv: per class and connection count, medians of the rounds base -> new: req/s (and new/base per round),
# wrk's p99 (corrected for coordinated omission), per-request p50/p99, JVM and PostgreSQL CPU ms a request, pool wait, load
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
keys = []
for r in rows:
    k = (r['class'], r['conns'])
    if k not in keys: keys.append(k)
def med(v): return st.median(v) if v else float('nan')
print('| class | conns | req/s base -> new (median) | new/base per round | wrk p99 ms base -> new (median; per round) | per-request p50 ms base -> new | per-request p99 ms base -> new (median; per round) | JVM ms/req | PG ms/req | pool wait ms | load |')
print('|---|---:|---|---|---|---|---|---|---|---|---|')
for c, n in keys:
    sel = [r for r in rows if r['class'] == c and r['conns'] == n]
    rounds = sorted({r['round'] for r in sel}, key=int)
    side = lambda s, f: [float(r[f]) for r in sorted(sel, key=lambda r: int(r['round'])) if r['side'] == s]
    b, w = side('base', 'rps'), side('new', 'rps')
    ratios = ['%.2f' % (w[i] / b[i]) for i in range(min(len(b), len(w)))]
    def pair(f, fmt='%.1f', per=False):
        x, y = side('base', f), side('new', f)
        s = (fmt + ' -> ' + fmt) % (med(x), med(y))
        if per: s += ' (' + '/'.join(fmt % v for v in x) + ' -> ' + '/'.join(fmt % v for v in y) + ')'
        return s
    loads = [float(r['load1']) for r in sel]
    print('| %s | %s | %.0f -> %.0f (**%.2fx**) | %s | %s | %s | %s | %s | %s | %s | %.1f-%.1f |' % (
        c, n, med(b), med(w), med(w) / med(b), ', '.join(ratios), pair('p99_ms', per=True), pair('req_p50_ms', '%.2f'),
        pair('req_p99_ms', per=True), pair('shoal_ms_req', '%.3f'), pair('pg_ms_req', '%.3f'), pair('pool_wait_ms'),
        min(loads), max(loads)))

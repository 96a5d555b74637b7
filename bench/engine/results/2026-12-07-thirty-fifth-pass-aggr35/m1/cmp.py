#!/usr/bin/env python3
# aggr35: out-base/lists.tsv against out-new/lists.tsv: the same page (first and last id, size) and the median of 9
# requests each side, new / base
import sys
def rd(p):
    d = {}
    for line in open(p):
        f = line.rstrip('\n').split('\t')
        kv = dict(x.split('=', 1) for x in f[2:] if '=' in x)
        d.setdefault(f[0], (f[1], kv))
    return d
b, n = rd('out-base/lists.tsv'), rd(f'out-{sys.argv[1] if len(sys.argv) > 1 else "new"}/lists.tsv')
print("| list (limit 25) | same page | base median / max ms | new median / max ms | new / base |")
print("|---|---|---|---|---|")
rs = []
for q, (code, kv) in b.items():
    if q not in n: continue
    c2, kv2 = n[q]
    same = code == c2 and all(kv[k] == kv2[k] for k in ('n', 'first', 'last'))
    r = float(kv2['median_ms']) / float(kv['median_ms']); rs.append(r)
    print(f"| {q.replace('%5B','[').replace('%5D',']')} | {'yes' if same else '**NO**'} | {float(kv['median_ms']):.1f} / {float(kv['max_ms']):.0f} | {float(kv2['median_ms']):.1f} / {float(kv2['max_ms']):.0f} | {r:.2f} |")
rs.sort()
print(f"\nratios: median {rs[len(rs)//2]:.2f}, min {rs[0]:.2f}, max {rs[-1]:.2f}, n={len(rs)}")

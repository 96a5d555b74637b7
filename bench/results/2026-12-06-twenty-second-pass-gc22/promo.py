#!/usr/bin/env python3
"""What G1's young collections copy, by class, from JFR's promotion events (jdk.PromoteObjectInNewPLAB:
the first object copied into each new PLAB, a sample weighted here by the PLAB's size;
jdk.PromoteObjectOutsidePLAB: every object copied outside a PLAB, weighted by its own size).
usage: jfr print --events jdk.PromoteObjectInNewPLAB,jdk.PromoteObjectOutsidePLAB X.jfr | promo.py [gcId-from gcId-to]"""
import sys, re, collections
lo, hi = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) > 2 else (0, 1 << 30)
unit = {'bytes': 1, 'byte': 1, 'kB': 1024, 'MB': 1 << 20}
def size(v):
    n, u = v.split(); return float(n) * unit[u]
by = collections.defaultdict(lambda: [0, 0.0, 0.0])   # class -> samples, bytes to old, bytes to survivor
ev = {}; total = 0.0; gcs = set()
for line in sys.stdin:
    line = line.strip()
    if line.endswith('{'): ev = {'type': line.split()[0]}; continue
    if line == '}':
        if 'gcId' in ev and lo <= ev['gcId'] <= hi:
            w = ev['plab'] if ev['type'] == 'jdk.PromoteObjectInNewPLAB' else ev['size']
            b = by[ev['cls']]; b[0] += 1; b[1 if ev['tenured'] else 2] += w; total += w; gcs.add(ev['gcId'])
        ev = {}; continue
    k, _, v = line.partition(' = ')
    if k == 'gcId': ev['gcId'] = int(v)
    elif k == 'objectClass': ev['cls'] = v.split(' (')[0]
    elif k == 'objectSize': ev['size'] = size(v)
    elif k == 'plabSize': ev['plab'] = size(v)
    elif k == 'tenured': ev['tenured'] = v == 'true'
print(f"collections: {len(gcs)} (gc ids {min(gcs)}-{max(gcs)}), bytes copied (estimated): {total/2**20:,.0f} MB")
print(f"{'class':70} {'samples':>8} {'MB to old':>10} {'MB to surv':>10} {'share':>6}")
for c, (n, o, s) in sorted(by.items(), key=lambda kv: -(kv[1][1] + kv[1][2]))[:30]:
    print(f"{c[:70]:70} {n:8d} {o/2**20:10.1f} {s/2**20:10.1f} {(o+s)/total*100:5.1f}%")

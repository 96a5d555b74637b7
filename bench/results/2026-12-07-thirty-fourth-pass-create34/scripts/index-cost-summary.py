#!/usr/bin/env python3
"""index-cost-summary.py FILE: the median ms a customer of each variant of index-cost.sh, and its difference from 'all'."""
import collections, statistics as st, sys
d = collections.defaultdict(list)
for l in open(sys.argv[1]):
    p = l.strip().split('|')
    if len(p) == 2 and p[0] and not p[0].startswith(('customer', 'customers')):
        try:
            d[p[0]].append(float(p[1]))
        except ValueError:
            pass
base = st.median(d['all'])
for k, v in d.items():
    print(f"{k:32s} median {st.median(v):.4f} ms a customer ({', '.join(f'{x:.3f}' for x in v)}); all minus this {base - st.median(v):+.4f}")

#!/usr/bin/env python3
"""steady30: statements over log_min_duration_statement in a PostgreSQL log: per statement kind n, sum, max; and the list of the slowest."""
import sys, re
from collections import defaultdict
f, t0, t1 = sys.argv[1], sys.argv[2], sys.argv[3]
rows = []
for l in open(f, errors='replace'):
    m = re.match(r'(\S+ \S+) UTC \[(\d+)\] (\S*) ?(.*?) LOG:  duration: ([\d.]+) ms  (?:execute \S+|statement|bind \S+|parse \S+): (.{0,50})', l)
    if m and t0 <= m.group(1)[11:] <= t1:
        rows.append((m.group(1)[11:], int(m.group(2)), float(m.group(5)), re.sub(r'\s+', ' ', m.group(6))[:40]))
k = defaultdict(list)
for r in rows: k[r[3]].append(r[2])
for q, v in sorted(k.items(), key=lambda x: -sum(x[1])):
    print(f"{len(v):5d} sum {sum(v):8.0f} max {max(v):6.0f}  {q}")
if len(sys.argv) > 4:
    for r in rows:
        if r[3].startswith(sys.argv[4]): print(*r)

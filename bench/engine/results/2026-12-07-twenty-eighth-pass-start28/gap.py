#!/usr/bin/env python3
"""gap.py DIR NAME...: per start, launch -> last evaluator ready (from the log) and evaluator ready -> ready (s)."""
import re, sys, datetime
d = sys.argv[1]
print("start\tready_s\tevaluators_ready_s\tgap_s")
for n in sys.argv[2:]:
    txt = open(f"{d}/ready-{n}.txt").read()
    ready = int(re.search(r'ready at (\d+)', txt).group(1)) / 1000
    m = re.search(r'launched at (\d+)', txt)
    if not m: continue
    t0 = int(m.group(1)) / 1000
    ev = [datetime.datetime.strptime(l[:23], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc).timestamp()
          for l in open(f"{d}/shoal-{n}.log") if 'Evaluator partition' in l and 'ready:' in l]
    e = max(ev) - t0
    print(f"{n}\t{ready:.1f}\t{e:.1f}\t{ready - e:.1f}")

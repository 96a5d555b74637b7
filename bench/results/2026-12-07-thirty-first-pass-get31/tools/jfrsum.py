#!/usr/bin/env python3
# jfrsum.py rec.json [threadprefix]: CPU samples: top self frames, inclusive by method and by package prefix
import json, sys, collections
ev = json.load(open(sys.argv[1]))["recording"]["events"]
tp = sys.argv[2] if len(sys.argv) > 2 else "vert.x-eventloop"
selfc, incl, pk = collections.Counter(), collections.Counter(), collections.Counter()
n = 0
for e in ev:
    v = e["values"]
    t = (v.get("sampledThread") or {}).get("javaName") or "?"
    if not t.startswith(tp): continue
    fr = (v.get("stackTrace") or {}).get("frames") or []
    if not fr: continue
    n += 1
    nm = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in fr]
    selfc[nm[0]] += 1
    for m in set(nm): incl[m] += 1
print(n, "samples on", tp)
print("-- self")
for k, c in selfc.most_common(40): print(f"{100*c/n:5.1f}% {k}")
print("-- inclusive")
for k, c in incl.most_common(120): print(f"{100*c/n:5.1f}% {k}")

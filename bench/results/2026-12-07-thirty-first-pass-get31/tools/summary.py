#!/usr/bin/env python3
# summary.py raw.tsv: per round and connection count: ceiling req/s, base and new req/s, get/ceiling of each,
# new/base, p99, JVM us a request; medians over rounds.
import csv, sys, statistics as st, collections
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
by = collections.defaultdict(dict)
for r in rows:
    by[(r["round"], r["conns"])][r["side"]] = r
for conns in ("64", "8"):
    print(f"\n### {conns} connections\n")
    print("| round | ceiling req/s (JVM us/req) | base get req/s (x ceiling) | new get req/s (x ceiling) | new/base | p99 ms ceiling / base / new | JVM us/req base / new | load1 at the runs |")
    print("|---|---:|---:|---:|---:|---|---|---|")
    acc = collections.defaultdict(list)
    for (rnd, c), d in sorted(by.items()):
        if c != conns or not all(k in d for k in ("ceiling", "base", "new")):
            continue
        ce, b, n = (float(d[k]["rps"]) for k in ("ceiling", "base", "new"))
        acc["ce"].append(ce); acc["b"].append(b); acc["n"].append(n); acc["rb"].append(b / ce); acc["rn"].append(n / ce); acc["nb"].append(n / b)
        acc["jb"].append(float(d["base"]["jvm_us_req"])); acc["jn"].append(float(d["new"]["jvm_us_req"])); acc["jc"].append(float(d["ceiling"]["jvm_us_req"]))
        acc["pb"].append(float(d["base"]["p99_ms"])); acc["pn"].append(float(d["new"]["p99_ms"])); acc["pc"].append(float(d["ceiling"]["p99_ms"]))
        print(f"| {rnd} | {ce:,.0f} ({d['ceiling']['jvm_us_req']}) | {b:,.0f} ({b/ce:.2f}x) | {n:,.0f} ({n/ce:.2f}x) | {n/b:.2f}x | {d['ceiling']['p99_ms']} / {d['base']['p99_ms']} / {d['new']['p99_ms']} | {d['base']['jvm_us_req']} / {d['new']['jvm_us_req']} | {d['ceiling']['load1']}, {d['base']['load1']}, {d['new']['load1']} |")
    if acc["ce"]:
        m = lambda k: st.median(acc[k])
        print(f"| **median** | {m('ce'):,.0f} ({m('jc'):.0f}) | {m('b'):,.0f} (**{m('rb'):.2f}x**) | {m('n'):,.0f} (**{m('rn'):.2f}x**) | {m('nb'):.2f}x | {m('pc'):.2f} / {m('pb'):.2f} / {m('pn'):.2f} | {m('jb'):.0f} / {m('jn'):.0f} | |")

#!/usr/bin/env python3
# summary.py: per round and side, the median of the 2 runs (req/s, p99), PostgreSQL CPU ms a search, new/base
import csv, glob, os, statistics as st
here = os.path.dirname(os.path.abspath(__file__))
print("round\tconns\tbase_rps\tnew_rps\tnew/base\tbase_p99_runs\tnew_p99_runs\tbase_p99\tnew_p99\tbase_pg_ms\tnew_pg_ms\tload1")
for rd in sorted(glob.glob(os.path.join(here, "round*", ""))):
    sides = {}
    for side in ("base", "new"):
        for r in csv.DictReader(open(os.path.join(rd, side + "-raw.tsv")), delimiter="\t"):
            sides.setdefault((side, r["conns"]), []).append(r)
    for conns in ("64", "8"):
        b, n = sides[("base", conns)], sides[("new", conns)]
        rps = lambda rs: st.median(float(r["rps"]) for r in rs)
        p99 = lambda rs: st.median(float(r["p99_ms"]) for r in rs)
        pg = lambda rs: st.median(float(r["cpu_pg"]) * 10 / float(r["rps"]) for r in rs)
        runs = lambda rs: "/".join("%.0f" % float(r["p99_ms"]) for r in rs)
        loads = [float(r["load1"]) for r in b + n]
        print("%s\t%s\t%.0f\t%.0f\t%.2fx\t%s\t%s\t%.1f\t%.1f\t%.2f\t%.2f\t%.1f-%.1f" % (os.path.basename(rd.rstrip("/")), conns, rps(b), rps(n),
              rps(n) / rps(b), runs(b), runs(n), p99(b), p99(n), pg(b), pg(n), min(loads), max(loads)))

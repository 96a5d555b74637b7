#!/usr/bin/env python3
"""Prints sync-live.sh's runs as a table, then per build the medians and their ratios to the first build,
then (where events-RUN.tsv is there) each run's live events in 10 s bins from the sync's start.

  bench/engine/sync-live-summary.py RESULTS_DIR   (reads RESULTS_DIR/log.txt and events-*.tsv)
"""
import os
import re
import statistics
import sys

runs = []
for block in open(sys.argv[1] + "/log.txt").read().split("=== ")[1:]:
    head = block.split("\n", 1)[0]
    if head.startswith("done"):
        continue
    tag, clock = head.split()[0], head.split()[1]
    kv = lambda pattern, key: (re.search(pattern + r".*?\b" + key + r"=(\S+)", block, re.M) or [None, "nan"])[1]
    runs.append({
        "tag": tag, "at": clock,
        "load1": re.search(r"load1 before sync: (\S+)", block).group(1) if "load1 before" in block else "nan",
        "synced_s": kv(r"^sync SEGMENTS", "synced_s"), "created_s": kv(r"^sync SEGMENTS", "created_s"),
        "shoal": kv(r"^cpu", "shoal"), "pg": kv(r"^cpu", "pg"), "other": kv(r"^cpu", "other"),
        "acked": kv(r"^RUN", "acked_per_s"),
        "ack_p99": kv(r"INGEST set=due_to_202", "p99_ms"),
        "p50": kv(r"set=all_transitions_202_to_recorded", "p50_ms"),
        "p99": kv(r"set=all_transitions_202_to_recorded", "p99_ms"),
        "c99": kv(r"set=all_transitions_202_to_committed", "p99_ms"),
    })
    for k in list(runs[-1]):
        if k not in ("tag", "at"):
            runs[-1][k] = float(runs[-1][k])

cols = ["load1", "created_s", "synced_s", "shoal", "pg", "other", "acked", "ack_p99", "p50", "p99", "c99"]
print("run\tstart\t" + "\t".join(cols))
for r in runs:
    print(f"{r['tag']}\t{r['at']}\t" + "\t".join(f"{r[c]:g}" for c in cols))
builds = list(dict.fromkeys(r["tag"].rsplit("-", 1)[0] for r in runs))
med = {b: {c: statistics.median(r[c] for r in runs if r["tag"].rsplit("-", 1)[0] == b) for c in cols} for b in builds}
print("\nmedian\t\t" + "\t".join(cols))
for b in builds:
    print(f"{b}\t\t" + "\t".join(f"{med[b][c]:g}" for c in cols))
for b in builds[1:]:
    print(f"{b}/{builds[0]}\t\t" + "\t".join(f"{med[b][c] / med[builds[0]][c]:.2f}" if med[builds[0]][c] else "-" for c in cols))


def pct(v, p):
    v = sorted(v)
    return v[max(0, min(len(v) - 1, -(-p * len(v) // 100) - 1))] if v else float("nan")


for r in runs:
    path = f"{sys.argv[1]}/events-{r['tag']}.tsv"
    block = open(sys.argv[1] + "/log.txt").read().split(f"=== {r['tag']} ")[1].split("=== ")[0]
    if not os.path.exists(path) or "sync from" not in block:
        continue
    t0 = float(re.search(r"sync from (\S+)", block).group(1))
    t1 = float(re.search(r"sync to (\S+)", block).group(1))
    bins = {}
    for line in open(path):
        due, ack, rec = map(float, line.split())
        bins.setdefault(int((due - t0) // 10), []).append((ack, rec))
    print(f"\n{r['tag']}: live events by when they were due, 10 s bins from the sync's start (sync script ran {t1 - t0:.1f} s)")
    print("  from_s\tn\t202_to_recorded_p50_ms\tp99_ms\tmax_ms\tdue_to_202_p99_ms")
    for b in sorted(bins):
        rec = [x[1] for x in bins[b]]
        ack = [x[0] for x in bins[b]]
        print(f"  {b * 10}\t{len(rec)}\t{pct(rec, 50):.1f}\t{pct(rec, 99):.1f}\t{max(rec):.1f}\t{pct(ack, 99):.1f}")

#!/usr/bin/env python3
"""Medians of a bench/http-side-by-side.sh raw.tsv, per scenario and build, as a markdown table.

    python3 bench/http-side-by-side-report.py RESULTS/raw.tsv [RESULTS/raw.tsv ...]

Per scenario: median req/s (events/s for ingest), p50 and p99, Shoal JVM CPU per request (the
server process only; PostgreSQL is not counted), the new/base ratio of the req/s medians and the
median of the per-round ratios (each round runs both builds one after the other), get's share of the
ceiling's req/s measured in the same round, and the 1-minute load seen.
"""
import collections
import statistics
import sys

rows = collections.defaultdict(list)  # (scenario, side) -> [dict]
for path in sys.argv[1:]:
    for line in open(path):
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 4:
            continue
        rnd, side, scenario = parts[0], parts[1], parts[2]
        fields = dict(kv.split("=", 1) for part in parts[3:] for kv in part.split(" ") if "=" in kv)
        fields["round"] = f"{path}#{rnd}"
        rows[(scenario, side)].append(fields)

ceiling = {r["round"]: float(r["rps"]) for r in rows[("ceiling", "-")]}


def rate(r):
    return float(r.get("eps", r["rps"]))


def cpu_us(r):
    key = next(k for k in r if k.startswith("cpu_"))
    return float(r[key]) / rate(r) * 1e6 if rate(r) else float("nan")


def med(values):
    return statistics.median(values) if values else float("nan")


print("| scenario | build | runs | req/s median (range) | p50 ms | p99 ms | Shoal JVM CPU per request | new/base req/s (median of per-round ratios) | of the ceiling (same round) | load1 |")
print("|---|---|---:|---|---:|---:|---:|---|---|---|")
if ceiling:
    c = list(ceiling.values())
    loads = [float(r["load1"]) for r in rows[("ceiling", "-")]]
    print(f"| ceiling (64 conns) | - | {len(c)} | {med(c):,.0f} ({min(c):,.0f}-{max(c):,.0f}) | | | | | | {min(loads):.1f}-{max(loads):.1f} |")
for scenario in ["get8", "get64", "ingest64", "create64"]:
    base, new = rows.get((scenario, "base"), []), rows.get((scenario, "new"), [])
    if not base and not new:
        continue
    by_round_base = {r["round"]: rate(r) for r in base}
    ratios = [rate(r) / by_round_base[r["round"]] for r in new if r["round"] in by_round_base]
    for side, rs in (("base", base), ("new", new)):
        rates = [rate(r) for r in rs]
        loads = [float(r["load1"]) for r in rs]
        share = [rate(r) / ceiling[r["round"]] for r in rs if r["round"] in ceiling]
        ratio = ""
        if side == "new" and base:
            ratio = f"{med(rates) / med([rate(r) for r in base]):.2f} ({med(ratios):.2f})"
        share_text = f"{100 * med(share):.0f} %" if scenario.startswith("get") and share else ""
        print(f"| {scenario} | {side} | {len(rs)} | {med(rates):,.0f} ({min(rates):,.0f}-{max(rates):,.0f}) "
              f"| {med([float(r['p50_ms']) for r in rs]):.1f} | {med([float(r['p99_ms']) for r in rs]):.1f} "
              f"| {med([cpu_us(r) for r in rs]):.0f} µs | {ratio} | {share_text} | {min(loads):.1f}-{max(loads):.1f} |")

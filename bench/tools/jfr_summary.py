#!/usr/bin/env python3
"""Summarises a JFR recording's CPU samples: share of samples per thread group, per library
(inclusive: the library is anywhere on the stack) and the most common stacks.

    jfr print --json --stack-depth 64 --events jdk.ExecutionSample rec.jfr > rec.json
    python3 bench/tools/jfr_summary.py rec.json
"""
import collections
import json
import sys

LIBS = [
    ("vertx-openapi request validation", "io/vertx/openapi/validation"),
    ("vertx-json-schema", "io/vertx/json/schema"),
    ("vertx-web (router, handlers)", "io/vertx/ext/web"),
    ("vertx pg client", "io/vertx/pgclient"),
    ("vertx sql client", "io/vertx/sqlclient"),
    ("micrometer + vertx-micrometer", "io/micrometer"),
    ("shoal code", "io/shoal"),
    ("jackson (JSON)", "com/fasterxml/jackson"),
    ("netty", "io/netty"),
    ("caffeine", "com/github/benmanes"),
]


def main(path):
    events = json.load(open(path))["recording"]["events"]
    n = len(events)
    threads, libs, stacks = collections.Counter(), collections.Counter(), collections.Counter()
    for e in events:
        v = e["values"]
        t = (v.get("sampledThread") or {}).get("javaName") or "?"
        threads[t.rstrip("0123456789").rstrip("-")] += 1
        frames = (v.get("stackTrace") or {}).get("frames") or []
        names = [f["method"]["type"]["name"] for f in frames]
        for label, prefix in LIBS:
            if any(x.startswith(prefix) for x in names):
                libs[label] += 1
        stacks[" <- ".join(f["method"]["type"]["name"].split("/")[-1] + "." + f["method"]["name"]
                           for f in frames[:7])] += 1
    print(f"{n} CPU samples")
    print("by thread:")
    for k, c in threads.most_common(6):
        print(f"  {100 * c / n:5.1f}%  {k}")
    print("by library (inclusive):")
    for k, c in libs.most_common():
        print(f"  {100 * c / n:5.1f}%  {k}")
    print("most common stacks (top 7 frames):")
    for k, c in stacks.most_common(8):
        print(f"  {100 * c / n:5.1f}%  {k}")


if __name__ == "__main__":
    main(sys.argv[1])

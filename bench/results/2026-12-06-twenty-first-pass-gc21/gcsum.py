#!/usr/bin/env python3
"""Summarise a JVM unified GC log (-Xlog:gc*): pauses per 20 s window and per kind, plus phase totals.
usage: gcsum.py LOG [window_s]"""
import re, sys, collections
log = sys.argv[1]; win = float(sys.argv[2]) if len(sys.argv) > 2 else 20
pause = re.compile(r'^\[(\d+\.\d+)s\].*GC\((\d+)\) (Pause \w+(?: \([^)]*\))*) .*?(\d+\.\d+)ms$')
phase = re.compile(r'^\[(\d+\.\d+)s\].*GC\((\d+)\)\s+(Evacuate Collection Set|Merge Heap Roots|Pre Evacuate Collection Set|Post Evacuate Collection Set|Other): (\d+\.\d+)ms')
copied = re.compile(r'^\[(\d+\.\d+)s\].*GC\((\d+)\) (Old|Survivor|Humongous) regions: (\d+)->(\d+)')
rows = []; kinds = collections.defaultdict(list); phases = collections.defaultdict(float); old_growth = 0
for line in open(log):
    m = pause.match(line)
    if m:
        t, gc, kind, ms = float(m.group(1)), m.group(2), m.group(3), float(m.group(4))
        kind = re.sub(r' \(G1[^)]*\)', '', kind)
        rows.append((t, kind, ms)); kinds[kind].append(ms); continue
    m = phase.match(line)
    if m: phases[m.group(3)] += float(m.group(4)); continue
    m = copied.match(line)
    if m and m.group(3) == 'Old': old_growth += max(0, int(m.group(5)) - int(m.group(4)))
def pct(v, p):
    v = sorted(v); return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] if v else 0
print(f"{'kind':42} {'n':>4} {'total ms':>9} {'mean':>7} {'p50':>7} {'max':>7}")
for k, v in sorted(kinds.items(), key=lambda kv: -sum(kv[1])):
    print(f"{k:42} {len(v):4d} {sum(v):9.1f} {sum(v)/len(v):7.1f} {pct(v,50):7.1f} {max(v):7.1f}")
print("phase totals (ms):", {k: round(v, 1) for k, v in phases.items()}, "old regions added:", old_growth)
print(f"per {win:.0f} s window (JVM uptime): pauses, total ms, max ms")
by = collections.defaultdict(list)
for t, k, ms in rows: by[int(t // win)].append(ms)
for w in sorted(by):
    v = by[w]; print(f"  {w*win:6.0f}-{(w+1)*win:<6.0f} n={len(v):3d} total={sum(v):8.1f} max={max(v):7.1f}")

#!/usr/bin/env python3
# engine32: the latency runs' table (ab/logs/ab.log) and the ingest runs' (one/logs/runs.log), one line a run
import re, sys
def kv(line):
    return dict(re.findall(r'(\w+)=([^\s]+)', line))
print("| run (UTC, load1 at start) | 1,000/s: acked/s, rec p50 / p99, committed p99, ack p99 (ms) | 1,500/s | cores shoal / pg / other (1,000/s; 1,500/s) |")
print("|---|---|---|---|")
side = None; cur = {}
def flush():
    if side:
        cells = []
        for r in ("1000", "1500"):
            d = cur.get(r, {})
            cells.append(f"{d.get('acked','-')}, {d.get('p50','-')} / **{d.get('p99','-')}**, {d.get('c99','-')}, {d.get('ack99','-')}")
        cpu = "; ".join(cur.get(r, {}).get('cpu', '-') for r in ("1000", "1500"))
        print(f"| {side} | {cells[0]} | {cells[1]} | {cpu} |")
for line in open(sys.argv[1] if len(sys.argv) > 1 else '/work/engine32-work/ab/logs/ab.log'):
    m = re.match(r'=== (\w+) \(lat .*\) (\S+) load: (\S+)', line)
    if m:
        flush(); side = f"{m.group(1)} {m.group(2)} ({m.group(3)})"; cur = {}; continue
    m = re.match(r'latency(?:_cpu)?_(\d+)\t', line)
    if not m: continue
    r = m.group(1); d = cur.setdefault(r, {}); k = kv(line)
    if 'RUN' in line: d['acked'] = k['acked_per_s']
    elif 'set=due_to_202' in line: d['ack99'] = f"{float(k['p99_ms']):.0f}"
    elif 'set=all_transitions_202_to_recorded' in line and 'p99_ms' in k: d['p50'] = f"{float(k['p50_ms']):.0f}"; d['p99'] = f"{float(k['p99_ms']):.0f}"
    elif 'set=all_transitions_202_to_committed' in line and 'p99_ms' in k: d['c99'] = f"{float(k['p99_ms']):.0f}"
    elif line.startswith('latency_cpu'): d['cpu'] = f"{k['cpu_shoal']} / {k['cpu_pg']} / {k['cpu_other']}"
flush()

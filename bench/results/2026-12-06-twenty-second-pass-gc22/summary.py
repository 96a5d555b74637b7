#!/usr/bin/env python3
"""Per run of bench/run.sh (one label = one server start): the ceiling's median req/s and, for each
get_uniform run, req/s, x ceiling, p50/p99/max, gets that read PostgreSQL, CPU, and the server's
stop-the-world pauses inside that run (every "Pause ..." line of its -Xlog:gc log: G1's young, mixed,
remark and cleanup pauses, ZGC's mark start / mark end / relocate start; ZGC's allocation stalls
listed apart), JVM uptime mapped to wall time from the "starting Shoal" line. gc21's script, extended.
usage: summary.py DIR LABEL...   (DIR holds LABEL.out, gclogs/LABEL-<pid>.log, bw/results/)"""
import re, sys, statistics, os
d = sys.argv[1]
def secs(hms):
    h, m, s = map(int, hms.split(':')); return h * 3600 + m * 60 + s
pause = re.compile(r'^\[(\d+\.\d+)s\]\[\w+ *\]\[gc(?:,phases)? *\] GC\((\d+)\) (Pause [A-Za-z ]+?)(?: \(.*\))?(?: \d+M->\d+M\(\d+M\))? (\d+\.\d+)ms$')
stall = re.compile(r'^\[(\d+\.\d+)s\].*Allocation Stall \(.*\) (\d+\.\d+)ms')
reg = re.compile(r'GC\((\d+)\) (Survivor|Old) regions: (\d+)->(\d+)')
print('| label | conns | run | req/s | x ceiling | p50 ms | p90 ms | p99 ms | max ms | gets reading PG | pauses in run: n / total ms / max ms / >10 ms: n, ms over 10 | G1 MB copied | ZGC stalls n / ms | CPU % server / pg / other |')
print('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---|')
for label in sys.argv[2:]:
    out = open(os.path.join(d, label + '.out')).read().splitlines()
    t0 = next(secs(l[1:9]) for l in out if 'starting Shoal' in l)
    pid = next(re.search(r'stopping Shoal \(pid (\d+)\)', l).group(1) for l in out if 'stopping Shoal' in l)
    pauses = []; copied = {}; stalls = []
    for l in open(os.path.join(d, 'gclogs', f'{label}-{pid}.log')):
        m = reg.search(l)
        if m:
            g = copied.setdefault(m.group(1), [0, 0])
            if m.group(2) == 'Survivor': g[0] = int(m.group(4))
            else: g[1] = max(0, int(m.group(4)) - int(m.group(3)))
            continue
        m = pause.match(l)
        if m:
            pauses.append((t0 + float(m.group(1)), float(m.group(4)), m.group(2)))  # (wall s, ms, gc id)
            continue
        m = stall.match(l)
        if m: stalls.append((t0 + float(m.group(1)), float(m.group(2))))
    ceil = []; rows = []
    for l in out:
        m = re.search(r'^\[(\d\d:\d\d:\d\d)\]\s+(\w+) run (\d+): (.*?) \| cpu% server=(\d+) pg=(\d+) wrk=\d+ other=(\d+)', l)
        if not m: continue
        kv = dict(x.split('=') for x in m.group(4).split())
        if m.group(2) == 'ceiling': ceil.append(float(kv['rps'])); continue
        rows.append((m.group(3), secs(m.group(1)), kv, m.group(5), m.group(6), m.group(7)))
    conns = re.search(r'conns=(\d+)', next(l for l in out if l.startswith('conns='))).group(1)
    c = statistics.median(ceil) if ceil else float('nan')
    rdirs = sorted(x for x in os.listdir(os.path.join(d, 'bw', 'results')) if secs(f"{x[9:11]}:{x[11:13]}:{x[13:15]}") <= t0)
    rdir = os.path.join(d, 'bw', 'results', rdirs[-1])
    pg = {}
    for l in open(os.path.join(rdir, 'raw.tsv')).read().splitlines()[1:]:
        f = l.split('\t')
        if f[1] != 'ceiling': pg[f[3]] = f[-1]
    for run, end, kv, s, p, o in rows:
        dur = float(kv['duration_s'])
        sel = [(ms, g) for t, ms, g in pauses if end - dur - 1.5 <= t <= end + 0.5]  # g: the GC's id
        inrun = [ms for ms, g in sel]
        over = [ms - 10 for ms in inrun if ms > 10]
        st = [ms for t, ms in stalls if end - dur - 1.5 <= t <= end + 0.5]
        # G1: survivor regions after + old regions added by the pauses in the run (4 MB regions)
        mb = f"{4 * sum(sum(copied.get(g, [0, 0])) for g in {g for ms, g in sel})} MB" if copied else '-'
        gc = f"{len(inrun)} / {sum(inrun):.0f} / {max(inrun) if inrun else 0:.0f} / {len(over)}, {sum(over):.0f}"
        print(f"| {label} | {conns} | {run} | {float(kv['rps']):,.0f} | {float(kv['rps'])/c:.2f} | {kv['p50_ms']} | {kv['p90_ms']} | {kv['p99_ms']} | {kv['max_ms']} | {pg.get(run, '?')} | {gc} | {mb} | {len(st)} / {sum(st):.0f} | {s} / {p} / {o} |")
    print(f"| {label} | {conns} | ceiling median | {c:,.0f} | | | | | | | | | | |")
    print(f"<!-- {label}: results {rdir}, gc log {label}-{pid}.log -->")

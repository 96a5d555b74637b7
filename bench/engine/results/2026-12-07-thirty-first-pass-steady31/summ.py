#!/usr/bin/env python3
"""steady31 (steady30 summ.py): one line per run and rate from ab.log: acked/s, dropped, 202 -> recorded p50 / p99, due -> 202 p99, cores."""
import sys, re
side = None
for l in open(sys.argv[1]):
    m = re.match(r'=== (\S+) \(.*\) (\d\d:\d\d:\d\d) load: (\S+)', l)
    if m: side, at, load = m.groups(); cpu = {}; continue
    if l.startswith('latency'):
        f = l.split('\t'); rate = f[0].split('_')[-1]; kv = dict(re.findall(r'(\w+)=(\S+)', f[2]))
        if 'RUN' in f[2]: run = kv
        elif 'set=due_to_202' in f[2]: ack = kv
        elif 'set=all_transitions_202_to_recorded' in f[2]: rec = kv
        elif f[0].startswith('latency_cpu'):
            print(f"{side:5s} {at} load1 {load:5s} {rate:>5s}/s acked {run['acked_per_s']:>5s} dropped {run['dropped']:>5s} | rec p50 {float(rec['p50_ms']):6.1f} p99 {float(rec['p99_ms']):6.1f} | ack p99 {float(ack['p99_ms']):7.1f} | shoal {kv['cpu_shoal']} pg {kv['cpu_pg']} gen {kv['cpu_loadgen']} other {kv['cpu_other']}")

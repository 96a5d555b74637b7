#!/usr/bin/env python3
"""counts25: one line per run of ab.log: batch evaluated/s and cores (PG ms per event), or latency p50/p99 per rate."""
import re, sys
log = open(sys.argv[1] if len(sys.argv) > 1 else '/work/steady28-work/ab/logs/ab.log').read()
for b in re.split(r'\n(?==== \w+ \()', log):
    m = re.match(r'=== (\w+) \((\w+)[^)]*\) (\d\d:\d\d:\d\d) load: ([\d.]+)', b)
    if not m:
        continue
    out = [m.group(1), m.group(2), m.group(3), 'load1=' + m.group(4)]
    ib = re.search(r'ingest_batch\t1\t(.*)', b)
    if ib:
        kv = dict(x.split('=', 1) for x in ib.group(1).split() if '=' in x)
        eps = float(kv.get('evaluated_during_run_eps', 'nan'))
        pg = float(kv.get('cpu_pg', 'nan')); sh = float(kv.get('cpu_shoal', 'nan'))
        out.append('acked %s/s evaluated_during %s/s evaluated %s/s | cores shoal %s pg %s other %s total %s | PG ms/event %.3f Shoal ms/event %.3f' % (
            kv.get('eps'), kv.get('evaluated_during_run_eps'), kv.get('evaluated_eps'), kv.get('cpu_shoal'), kv.get('cpu_pg'),
            kv.get('cpu_other'), kv.get('cpu_total'), pg / eps * 1000, sh / eps * 1000))
    for rate in ['200', '500', '1000', '1500', '2000', '2500', '3000']:
        rec = re.search(r'latency_%s\t1\tLATENCY set=all_transitions_202_to_recorded .*?p50_ms=([\d.]+) .*?p99_ms=([\d.]+)' % rate, b)
        ack = re.search(r'latency_%s\t1\tINGEST set=due_to_202 .*?p99_ms=([\d.]+)' % rate, b)
        com = re.search(r'latency_%s\t1\tLATENCY set=all_transitions_202_to_committed .*?p99_ms=([\d.]+)' % rate, b)
        cpu = re.search(r'latency_cpu_%s\t1\t(.*)' % rate, b)
        if rec:
            out.append('%s/s: rec %s/%s ack99 %s com99 %s [%s]' % (rate, rec.group(1), rec.group(2), ack.group(1) if ack else '?',
                                                                    com.group(1) if com else '?', cpu.group(1).replace('cpu_', '') if cpu else ''))
    print(' | '.join(out))

#!/usr/bin/env python3
"""Prints one line per run of ab.log (abround.sh): 202 -> recorded p50/p99, due -> 202 p99, 202 -> committed p99, cores."""
import re, sys
log = open(sys.argv[1] if len(sys.argv) > 1 else 'ab.log').read()
for b in re.split(r'\n(?==== (?:base|new|inst1) \()', log):
    m = re.match(r'=== (\w+) \(([^)]*)\)(?: rates [\d ]+)? (\d\d:\d\d:\d\d) load: ([\d.]+)', b)
    if not m:
        continue
    out = [m.group(1), m.group(3), 'load1=' + m.group(4)]
    for rate in ['200', '500', '1000']:
        rec = re.search(r'latency_%s\t1\tLATENCY set=all_transitions_202_to_recorded .*?p50_ms=([\d.]+) .*?p99_ms=([\d.]+)' % rate, b)
        ack = re.search(r'latency_%s\t1\tINGEST set=due_to_202 .*?p99_ms=([\d.]+)' % rate, b)
        com = re.search(r'latency_%s\t1\tLATENCY set=all_transitions_202_to_committed .*?p99_ms=([\d.]+)' % rate, b)
        cpu = re.search(r'latency_cpu_%s\t1\t(.*)' % rate, b)
        if rec:
            out.append('%s/s: rec %s/%s ack99 %s com99 %s [%s]' % (rate, rec.group(1), rec.group(2), ack.group(1), com.group(1),
                                                                    cpu.group(1).replace('cpu_', '') if cpu else ''))
    print(' | '.join(out))

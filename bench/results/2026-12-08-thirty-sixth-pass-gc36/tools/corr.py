#!/usr/bin/env python3
# corr.py DIR FROM TO: per second, PostgreSQL statements >= 50 ms (count, sum ms, by their end time) beside the
# kernel's pressure stall deltas (ms) and major faults from tasks.txt's P lines, and vmstat's r / cs / id.
import sys, time, re, glob, collections
d, a, b = sys.argv[1:4]
slow = collections.defaultdict(list)
for f in glob.glob(d + '/pglog/*.log'):
    for ln in open(f):
        m = re.match(r'\S+ (\d\d:\d\d:\d\d)\.\d+ UTC .*duration: ([\d.]+) ms  (\w+)', ln)
        if m and 'vertx' in ln: slow[m.group(1)].append(float(m.group(2)))
pr = {}; prev = None
for ln in open(d + '/tasks.txt'):
    p = ln.split()
    if len(p) < 2 or p[1] != 'P': continue
    t = time.strftime('%H:%M:%S', time.gmtime(float(p[0])))
    dd = dict(x.split('=') for x in p[2:])
    if prev:
        acc = pr.setdefault(t, collections.Counter())
        for k in dd: acc[k] += int(dd[k]) - int(prev[k])
    prev = dd
vm = {}
for ln in open(d + '/vmstat.txt'):
    p = ln.split()
    if len(p) > 17 and p[0].isdigit(): vm[p[-1]] = (p[0], p[11], p[14], p[8])
print('time      slow  sum_ms | cpu_some mem_some mem_full io_some io_full (ms) majflt | r cs id bi')
for t in sorted(set(pr) | set(slow)):
    if not (a <= t <= b): continue
    c = pr.get(t, collections.Counter()); s = slow.get(t, [])
    print('%s %4d %7.0f | %7.0f %7.1f %7.1f %7.1f %7.1f %4d | %s' % (t, len(s), sum(s), c['cpu_some'] / 1000, c['memory_some'] / 1000,
          c['memory_full'] / 1000, c['io_some'] / 1000, c['io_full'] / 1000, c['pgmajfault'], ' '.join(vm.get(t, ()))))

#!/usr/bin/env python3
# sat.py DIR: over the measured list runs at 8 connections, the seconds with vmstat idle <= 4 % ("saturated") against
# the others: mean CPU ticks a second of each category (tasks.txt; 100 ticks = one core) and PostgreSQL statements >= 50 ms.
import sys, re, time, glob, collections, datetime as dt
d = sys.argv[1]
wins = []
for ln in open(d + '/run.log'):
    m = re.match(r'\[(\d\d:\d\d:\d\d)\]\s+(list_\w+@8) run', ln)
    if m:
        e = dt.datetime.strptime(m.group(1), '%H:%M:%S'); wins.append(((e - dt.timedelta(seconds=15)).strftime('%H:%M:%S'), m.group(1)))
inwin = lambda t: any(a < t < b for a, b in wins)
vm = {}
for ln in open(d + '/vmstat.txt'):
    p = ln.split()
    if len(p) > 17 and p[0].isdigit(): vm[p[-1]] = int(p[14])
cat = collections.defaultdict(collections.Counter)
for ln in open(d + '/tasks.txt'):
    p = ln.split(' ', 5)
    if p[1] == 'P': continue
    t = time.strftime('%H:%M:%S', time.gmtime(float(p[0])))
    comm, pn = p[4], p[5].lstrip('| ')
    if pn.startswith('java -XX'): c = 'jvm-' + ('loop' if comm.startswith('vert.x-eventloo') else 'gc' if comm.startswith(('GC_', 'G1')) else 'jit' if 'Compiler' in comm else 'other')
    elif comm.startswith('postgres'): c = 'pg'
    elif comm.startswith('wrk'): c = 'wrk'
    else: c = 'rest'
    cat[t][c] += int(p[3])
slow = collections.Counter()
for f in glob.glob(d + '/pglog/*.log'):
    for ln in open(f):
        m = re.match(r'\S+ (\d\d:\d\d:\d\d)\.\d+ UTC .*duration: ([\d.]+) ms', ln)
        if m and 'vertx' in ln: slow[m.group(1)] += 1
groups = {'sat': [], 'rest': []}
for t in sorted(vm):
    if inwin(t) and t in cat: groups['sat' if vm[t] <= 4 else 'rest'].append(t)
keys = ['jvm-loop', 'jvm-gc', 'jvm-jit', 'jvm-other', 'pg', 'wrk', 'rest']
print(d, 'seconds', {g: len(v) for g, v in groups.items()})
for g, ts in groups.items():
    if ts: print('  %-5s %s slow/s %.2f' % (g, ' '.join('%s=%.1f' % (k, sum(cat[t][k] for t in ts) / len(ts)) for k in keys), sum(slow[t] for t in ts) / len(ts)))

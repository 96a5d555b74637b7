#!/usr/bin/env python3
# jitsum.py COMPILATIONS.txt READY.txt: `jfr print --events jdk.Compilation` of a start, compilations begun before
# ready (READY.txt: probe3's ready/launch lines): compiler-thread wall ms by tier, by package (3 levels), the longest.
import re, sys, datetime
txt = open(sys.argv[1]).read(); rd = open(sys.argv[2]).read()
launched = int(re.search(r'launched at (\d+)', rd).group(1)); ready = int(re.search(r'ready at (\d+)', rd).group(1))
cut = datetime.datetime.utcfromtimestamp((launched + ready) / 1000)
rows = []
for e in txt.split('jdk.Compilation {')[1:]:
    d = re.search(r'duration = ([0-9.]+) (ms|s|us|ns)', e)
    ms = float(d.group(1)) * {'ms': 1, 's': 1000, 'us': 0.001, 'ns': 1e-6}[d.group(2)]
    st = re.search(r'startTime = (\S+)', e).group(1)
    day = cut.strftime('%Y-%m-%d ')
    if datetime.datetime.strptime(day + st, '%Y-%m-%d %H:%M:%S.%f') > cut:
        continue
    rows.append((ms, int(re.search(r'compileLevel = (\d+)', e).group(1)), re.search(r'method = (.*)', e).group(1).strip()))
print('compilations before ready: %d, %.0f ms' % (len(rows), sum(r[0] for r in rows)))
tier = {}
for r in rows:
    tier[r[1]] = tier.get(r[1], 0) + r[0]
print('by tier (ms):', {k: round(v) for k, v in sorted(tier.items())})
pk = {}
for r in rows:
    p = '.'.join(r[2].split('.')[:3]); pk[p] = pk.get(p, 0) + r[0]
print('by package (ms):')
for k, v in sorted(pk.items(), key=lambda x: -x[1])[:15]:
    print('  %6.0f %s' % (v, k))
print('longest:')
for r in sorted(rows, reverse=True)[:15]:
    print('  %6.0f L%d %s' % (r[0], r[1], r[2][:120]))

import sys, collections, time
# cat.py tasks.txt FROM TO (HH:MM:SS UTC): CPU ticks per category per second
f, a, b = sys.argv[1], sys.argv[2], sys.argv[3]
rows = collections.defaultdict(collections.Counter); cats = collections.Counter()
for ln in open(f):
    p = ln.split(' ', 5)
    if p[1] == 'P': continue
    t = time.strftime('%H:%M:%S', time.gmtime(float(p[0])))
    if not (a <= t <= b): continue
    comm, pn = p[4], p[5]
    if 'server-under-test' in pn:
        c = 'jvm:' + ('G1' if comm.startswith('G1') or comm.startswith('GC') else comm.split('-')[0][:10] if not comm.startswith('vert.x') else comm[:16])
    elif comm.startswith('postgres'): c = 'pg'
    elif comm.startswith('wrk'): c = 'wrk'
    else: c = 'o:' + comm[:12]
    rows[t][c] += int(p[3]); cats[c] += int(p[3])
top = [c for c, _ in cats.most_common(12)]
print('time     ' + ' '.join('%9s' % c[-9:] for c in top))
for t in sorted(rows): print(t, ' '.join('%9d' % rows[t][c] for c in top))

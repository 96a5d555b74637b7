#!/usr/bin/env python3
# pgconf27: one line per run of ab/logs/ab.log: events/s, CPU an event, WAL over the step per event inserted.
import re, sys, glob, os, statistics
D = sys.argv[1] if len(sys.argv) > 1 else '/work/pgconf27-work/ab/logs'
rows = []
cur = None
for line in open(os.path.join(D, 'ab.log')):
    m = re.match(r'=== (\S+) \((\w+) .*\) (\d\d:\d\d:\d\d) load: (\S+)', line)
    if m:
        cur = dict(spec=m.group(1), mode=m.group(2), t=m.group(3), load0=m.group(4)); continue
    if cur and '\tingest_' in line:
        kv = dict(re.findall(r'(\w+)=(\S+)', line))
        cur.update(kv); rows.append(cur)
        tag = cur['spec'].replace('+', '-') + '-' + cur['mode'] + '-' + cur['t'].replace(':', '')
        pre = cur['spec'].replace('+', '-') + '-' + cur['mode'] + '-'
        hh = int(cur['t'].replace(':', ''))
        for dt in (0, -1, 1, -2, 2):
            w = os.path.join(D, '%s%06d-pg-wal-ingest.txt' % (pre, hh + dt)); top = os.path.join(D, '%s%06d-pg-top-ingest.txt' % (pre, hh + dt))
            if os.path.exists(w): break
        if os.path.exists(w):
            txt = open(w).read()
            nums = re.search(r'\n\s*(\d+) \|\s*(\d+) \|\s*(\d+) \|\s*(\d+) \|', txt)
            if nums:
                cur['wal_rec'], cur['fpi'], cur['wal'], cur['wbf'] = map(int, nums.groups())
            c = re.search(r'checkpoints: (\d+)', txt); cur['ckpts'] = c.group(1) if c else '?'
            h = re.search(r'updates: (\d+) hot: (\d+)', txt); cur['hot'] = '%.0f%%' % (100*int(h.group(2))/max(1,int(h.group(1)))) if h else '?'
        if os.path.exists(top):
            for l in open(top):
                f = [x.strip() for x in l.split('|')]
                if len(f) > 6 and 'INSERT INTO events' in f[6]: cur['ev_rows'] = cur.get('ev_rows', 0) + int(f[3])
                if len(f) > 6 and f[6].startswith('WITH u AS'): cur['state_ms'] = int(f[1])
        cur = None
print('%-18s %-8s %7s %8s %6s %6s %7s %7s %6s %6s %7s %5s %5s %7s %5s' % ('spec','start','ev/s','p99ms','shoal','pg','pgms/ev','load1','WALMB','fpi','B/ev','ckpt','wbf','stateMs','hot'))
for r in rows:
    eps = float(r['eps']); pg = float(r['cpu_pg']); sh = float(r['cpu_shoal'])
    wal = r.get('wal', 0); ev = r.get('ev_rows', 0)
    print('%-18s %-8s %7.0f %8.0f %6.2f %6.2f %7.3f %7s %6.0f %6s %7s %5s %5s %7s %5s' % (r['spec'], r['t'], eps, float(r['p99_ms']), sh, pg,
        pg*1000/eps, r.get('load1'), wal/1e6, str(r.get('fpi','?')), ('%.0f' % (wal/ev)) if ev else '?',
        r.get('ckpts','?'), r.get('wbf','?'), r.get('state_ms','?'), r.get('hot','?')))

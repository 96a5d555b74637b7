#!/usr/bin/env python3
"""oneatatime.py PORT SEED CLASS [REPEATS]: each term REPEATS times, one request at a time, pg_stat_statements
reset around each; per term the best request: its statements' shapes, plan + exec ms, rows, buffers, HTTP ms."""
import http.client, os, subprocess, sys, time, urllib.parse
port, seed, cls = int(sys.argv[1]), sys.argv[2], sys.argv[3]; rep = int(sys.argv[4]) if len(sys.argv) > 4 else 3
env = dict(l.strip().split('=', 1) for l in open(os.path.join(seed, 'store.env')) if '=' in l)
terms = [l.strip() for l in open(os.path.join(seed, 'terms-%s.txt' % cls)) if l.strip()]
psql = ['psql', '-w', '-h', '127.0.0.1', '-p', str(port + 2), '-U', 'postgres', '-d', 'postgres', '-XAtq', '-F', '|']
os.environ['PGPASSWORD'] = 'postgres'
def sql(q): return subprocess.run(psql + ['-c', q], capture_output=True, text=True).stdout
def shape(q):
    if 'WITH hits' in q: return 'M'   # byMatches
    if 'strpos(r.search_text' in q: return 'W'  # walk / walk on
    if 'strpos(search_text' in q: return 'P'    # plain walk to the end
    return '?'
c = http.client.HTTPConnection('127.0.0.1', port)
seen = set()
for t in dict.fromkeys(terms):
    best = None
    for _ in range(rep):
        sql("SELECT pg_stat_statements_reset()")
        t0 = time.perf_counter()
        c.request('GET', '/v1/stores/%s/customers?search=%s' % (env['STORE_ID'], urllib.parse.quote(t)),
                  headers={'Authorization': 'Bearer ' + env['API_KEY']})
        r = c.getresponse(); r.read(); http_ms = (time.perf_counter() - t0) * 1e3
        rows = sql("SELECT query, calls, total_plan_time, total_exec_time, rows, shared_blks_hit + shared_blks_read"
                   " FROM pg_stat_statements WHERE query ~* '^(WITH hits|SELECT h.hid|SELECT id)' AND query !~* 'pg_stat' ORDER BY queryid")
        st = []
        for line in rows.strip().split('\n'):
            if not line: continue
            p = line.rsplit('|', 5)
            st.append((shape(p[0]), int(p[1]), float(p[2]), float(p[3]), int(p[4]), int(p[5])))
        pg = sum(s[2] + s[3] for s in st)
        if best is None or pg < best[0]: best = (pg, http_ms, st)
    pg, http_ms, st = best
    print('%-16s pg %6.2f ms (plan %5.2f) http %6.2f ms  %s' % (t, pg, sum(s[2] for s in st), http_ms,
          ' + '.join('%s:%drows:%dbuf:%.2f+%.2f' % (s[0], s[4], s[5], s[2], s[3]) for s in st)), flush=True)

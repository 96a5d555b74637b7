#!/usr/bin/env python3
"""costs.py PGPORT OUT: per bench surname, the warm cost of main's statements, one connection, pgbench -M prepared
(the values bound as parameters, as the server binds them): the walk (planOnce shape) and the period statement
(share = 3 pages / exact matches) with two choices of LIKE pattern: 'sub' = the shortest substring around the
rarest trigrams whose candidates are within 10 % of the matches (about what TrigramStats.patterns picks), 'rare' =
the rarest trigram alone. pgbench's latency average (ms) of -t N after -t 6 of warm-up."""
import subprocess, sys, os
port, out = sys.argv[1], sys.argv[2]
N = int(os.environ.get('N', '20'))
SEED = os.environ.get('SEEDDIR', '/work/search34-work/data/bench-seed')
S = open(SEED + '/store.env').read().split('STORE_ID=')[1].split()[0]
terms = open(SEED + '/terms-surname.txt').read().split()
if len(sys.argv) > 3: terms = sys.argv[3].split(',')
def q(sql):
    return subprocess.run(['psql', '-h', '/tmp', '-p', port, '-U', 'postgres', '-X', '-At', '-c', sql], capture_output=True, text=True, check=True).stdout.strip()
def pb(sql, **v):
    open('/tmp/s34-pb.sql', 'w').write(sql + ';\n')
    args = ['pgbench', '-h', '/tmp', '-p', port, '-U', 'postgres', '-n', '-M', 'prepared', '-f', '/tmp/s34-pb.sql', '-D', 'S=' + S]
    for k, x in v.items(): args += ['-D', f'{k}={x}']
    subprocess.run(args + ['-t', '6', 'postgres'], capture_output=True)
    r = subprocess.run(args + ['-t', str(N), 'postgres'], capture_output=True, text=True)
    lines = [l for l in r.stdout.splitlines() if 'latency average' in l]
    if not lines: raise SystemExit(r.stdout + r.stderr)
    return float(lines[0].split()[3])
WALK = ("SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT id AS hid, (created_at) AS hk, search_text FROM customer_search WHERE store_id = (SELECT :S::text) ORDER BY created_at DESC, id DESC LIMIT 20000) r WHERE true AND strpos(r.search_text, (SELECT :t::text)) > 0 ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC")
W = "store_id = :S AND search_folded LIKE :p AND strpos(search_text, :t) > 0"
PERIOD = (f"WITH span AS MATERIALIZED (SELECT max(created_at) AS hi, min(created_at) AS lo FROM customer_search WHERE store_id = :S), near AS MATERIALIZED (SELECT id AS hid, created_at AS hk FROM customer_search WHERE {W} AND created_at >= (SELECT coalesce(NULL::text::timestamptz, hi) - (hi - lo) * :sh FROM span) LIMIT :cap), hits AS MATERIALIZED (SELECT hid, hk FROM near WHERE (SELECT count(*) FROM near) >= :pg UNION ALL (SELECT id, created_at FROM customer_search WHERE {W} AND (SELECT count(*) FROM near) < :pg LIMIT :cap)) SELECT h.hid AS id, (h.hk)::text AS sort_key, (SELECT count(*) FROM hits) AS match_count, (SELECT count(*) FROM near) AS period_count FROM (SELECT hid, hk FROM hits ORDER BY hk DESC, hid DESC LIMIT :lim) h ORDER BY h.hk DESC, h.hid DESC")
def period(t, share, pat):
    return pb(PERIOD, t=t, p='%' + pat + '%', sh=share, cap=5001, pg=26, lim=26)
with open(out, 'a') as f:
    f.write('term\tmatches\tsub\tsub_cands\trare\trare_cands\twalk_ms\tperiod_sub_ms\tperiod_rare_ms\n')
    for t in terms:
        m = int(q(f"SELECT count(*) FROM customer_search WHERE store_id = '{S}' AND strpos(search_text, '{t}') > 0"))
        best = None; rare = None
        for L in range(3, len(t) + 1):
            for i in range(0, len(t) - L + 1):
                sub = t[i:i+L]
                c = int(q(f"SELECT count(*) FROM customer_search WHERE search_folded LIKE '%{sub}%'"))
                if L == 3 and (rare is None or c < rare[1]): rare = (sub, c)
                if c <= 1.1 * m and (best is None or len(sub) < len(best[0]) or (len(sub) == len(best[0]) and c < best[1])):
                    best = (sub, c)
            if best: break
        share = 78.0 / m
        w = pb(WALK, t=t)
        ps = period(t, share, best[0]) if share < 0.5 else float('nan')
        pr = period(t, share, rare[0]) if share < 0.5 else float('nan')
        line = f"{t}\t{m}\t{best[0]}\t{best[1]}\t{rare[0]}\t{rare[1]}\t{w:.3f}\t{ps:.3f}\t{pr:.3f}"
        print(line, flush=True); f.write(line + '\n')

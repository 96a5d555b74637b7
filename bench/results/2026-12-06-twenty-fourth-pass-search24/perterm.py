#!/usr/bin/env python3
"""perterm.py PORT SEED CLASS CONNS SECONDS: CONNS threads, keep-alive, terms at random; latency per term
(which terms make the tail). Prints the slowest 1 % of requests by term, and per term p50/p99/n."""
import http.client, os, random, sys, threading, time, urllib.parse, collections
port, seed, cls, conns, secs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
env = dict(l.strip().split('=', 1) for l in open(os.path.join(seed, 'store.env')) if '=' in l)
terms = [l.strip() for l in open(os.path.join(seed, 'terms-%s.txt' % cls)) if l.strip()]
out = []; lock = threading.Lock(); stop = time.time() + secs
def run(k):
    rnd = random.Random(k); c = http.client.HTTPConnection('127.0.0.1', int(port)); mine = []
    while time.time() < stop:
        t = rnd.choice(terms); t0 = time.perf_counter()
        c.request('GET', '/v1/stores/%s/customers?search=%s' % (env['STORE_ID'], urllib.parse.quote(t)),
                  headers={'Authorization': 'Bearer ' + env['API_KEY']})
        r = c.getresponse(); r.read(); mine.append((time.perf_counter() - t0, t, r.status))
    with lock: out.extend(mine)
th = [threading.Thread(target=run, args=(k,)) for k in range(conns)]
[x.start() for x in th]; [x.join() for x in th]
out.sort(); n = len(out); bad = [o for o in out if o[2] != 200]
print('requests %d in %.0f s (%.0f/s), non-200 %d, p50 %.1f ms, p99 %.1f ms' % (n, secs, n / secs, len(bad), out[n // 2][0] * 1e3, out[int(n * .99)][0] * 1e3))
tail = out[int(n * .99):]
print('slowest 1 %% (%d requests) by term:' % len(tail), ', '.join('%s %d' % kv for kv in collections.Counter(t for _, t, _ in tail).most_common()))
by = collections.defaultdict(list)
for d, t, _ in out: by[t].append(d)
for t, ds in sorted(by.items(), key=lambda kv: -sorted(kv[1])[len(kv[1]) // 2]):
    ds.sort(); print('%-10s n=%4d p50=%6.1f p90=%6.1f max=%6.1f ms' % (t, len(ds), ds[len(ds) // 2] * 1e3, ds[int(len(ds) * .9)] * 1e3, ds[-1] * 1e3))

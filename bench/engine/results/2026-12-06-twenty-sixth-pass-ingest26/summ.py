import re, statistics, collections, sys
rows = collections.defaultdict(list)
for line in open('/work/ingest26-work/logs/runs.log'):
    if '\tingest_single' not in line: continue
    side = line.split('\t')[0]
    kv = dict(re.findall(r'(\w+)=([^\s]+)', line))
    eps = float(kv['eps']); cs = float(kv['cpu_shoal']); cp = float(kv['cpu_pg'])
    r = dict(eps=eps, p99=float(kv['p99_ms']), p50=float(kv['p50_ms']), cs=cs, cp=cp, other=float(kv['cpu_other']),
             sh_ms=cs / eps * 1000, pg_ms=cp / eps * 1000, load1=kv['load1'], eval_during=kv.get('evaluated_during_run_eps'), backlog_end=kv.get('backlog_end'))
    rows[side].append(r)
    print(side, '\t'.join(f'{k}={v:.3f}' if isinstance(v, float) else f'{k}={v}' for k, v in r.items()))
print()
med = {}
for side, rs in rows.items():
    med[side] = {k: statistics.median(r[k] for r in rs) for k in ('eps', 'p99', 'sh_ms', 'pg_ms', 'cs', 'cp')}
    print(side, len(rs), ' '.join(f'{k}={v:.3f}' for k, v in med[side].items()))
if 'base' in med:
    for side in med:
        if side != 'base':
            print(side + '/base', ' '.join(f'{k}={med[side][k] / med["base"][k]:.2f}x' for k in med[side]))

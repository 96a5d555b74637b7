import sys
store, seed, table, cap = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
SEP = set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~ \t\n\v\f\r')
def upper(t):
    cps = list(t)
    while cps:
        c = ord(cps[-1])
        if c < 0x10FFFF:
            n = c + 1
            if 0xD800 <= n <= 0xDFFF: n = 0xE000
            cps[-1] = chr(n); return ''.join(cps)
        cps.pop()
    return None
def lit(s): return "'" + s.replace("'", "''") + "'"
for cls in ['email', 'surname', 'phone', 'common']:
    terms = [l.strip().lower() for l in open(f'{seed}/terms-{cls}.txt') if l.strip()]
    out = []
    skipped = 0
    for t in terms:
        if len(t) < 3 or any(c in SEP for c in t[:3]) or len(t) > 20:
            skipped += 1; continue
        out.append(f"""WITH hits AS MATERIALIZED (SELECT created_at AS hk, customer_id AS hid FROM {table} WHERE store_id = {lit(store)} AND key >= {lit(t)} AND key < {lit(upper(t))} LIMIT {cap + 1}) SELECT customers.id, customers.email, (created_at)::text AS sort_key, (SELECT count(*) FROM hits) AS match_count FROM (SELECT DISTINCT hk, hid FROM hits ORDER BY hk DESC, hid DESC LIMIT 26) h JOIN customers ON customers.store_id = {lit(store)} AND customers.id = h.hid ORDER BY h.hk DESC, h.hid DESC;""")
    open(f'new_{cls}_{table}.sql', 'w').write('\n'.join(out) + '\n')
    print(cls, len(out), 'statements, skipped', skipped)

# Writes /tmp/n_TERM.sql (2,000-row walk + period statement, as branch search17b-periods builds them) and
# /tmp/o_TERM.sql (main's 20,000-row walk) for one surname term on a 1M bench seed with V54 applied by hand
# (issue 17, fourteenth pass). Usage: PGPORT=... python3 period-vs-walk-statements.py STORE_ID TERM
import subprocess, sys
store=sys.argv[1]; term=sys.argv[2]
def q(sql): return subprocess.run(['psql','-w','-h','127.0.0.1','-p',__import__('os').environ['PGPORT'],'-U','postgres','-At','-F','|','-c',sql],capture_output=True,text=True).stdout.strip()
walk=f"""WITH walk AS MATERIALIZED (SELECT id AS hid, created_at AS hk, strpos(search_text, '{term}') > 0 AS hit FROM customers WHERE store_id = '{store}' ORDER BY created_at DESC, id DESC LIMIT 2000), span AS (SELECT count(*) AS walked, least(greatest(extract(epoch FROM min(hk) AT TIME ZONE 'UTC') * 1000000, -9e16), 9e16)::bigint AS oldest, least(greatest(extract(epoch FROM max(hk) AT TIME ZONE 'UTC') * 1000000, -9e16), 9e16)::bigint AS newest FROM walk) SELECT page.id, span.walked, span.oldest, span.newest FROM span LEFT JOIN LATERAL (SELECT customers.id, (created_at)::text AS sort_key, h.hk AS page_key, h.hid AS page_id FROM (SELECT hid, hk FROM walk WHERE hit ORDER BY hk DESC, hid DESC LIMIT 26) h JOIN customers ON customers.store_id = '{store}' AND customers.id = h.hid) page ON true ORDER BY page.page_key DESC, page.page_id DESC"""
rows=[r.split('|') for r in q(walk).split('\n')]
k=len([r for r in rows if r[0]])
newest=int(rows[0][3]); oldest=int(rows[0][2])
end=newest+int((oldest-newest)*(3.0*26/(k+1)))
D=86400000000
lo=max(-900000,min(900000,end//D)); hi=max(-900000,min(900000,newest//D))
for lvl,div in enumerate([1,8,64,512]):
    f=int(lo/div) if lo>=0 else -((-lo)//div); l=int(hi/div) if hi>=0 else -((-hi)//div)
    if l-f<8: keys=[2000000*lvl+x for x in range(f,l+1)]; break
import datetime
endts=(datetime.datetime(1970,1,1,tzinfo=datetime.timezone.utc)+datetime.timedelta(microseconds=end)).isoformat()
per=f"""WITH hits AS MATERIALIZED (SELECT id AS hid, created_at AS hk FROM customers WHERE store_id = '{store}' AND customer_search_periods(created_at) && '{{{",".join(map(str,keys))}}}'::int[] AND search_folded LIKE '%{term}%' AND strpos(search_text, '{term}') > 0) SELECT customers.id, (created_at)::text AS sort_key FROM (SELECT hid, hk FROM hits WHERE hk >= '{endts}'::timestamptz ORDER BY hk DESC, hid DESC LIMIT 26) h JOIN customers ON customers.store_id = '{store}' AND customers.id = h.hid ORDER BY h.hk DESC, h.hid DESC;"""
old=f"""SELECT customers.id FROM (SELECT hid, hk FROM (SELECT id AS hid, created_at AS hk, search_text FROM customers WHERE store_id = '{store}' ORDER BY created_at DESC, id DESC LIMIT 20000) r WHERE strpos(r.search_text, '{term}') > 0 ORDER BY hk DESC, hid DESC LIMIT 26) h JOIN customers ON customers.store_id = '{store}' AND customers.id = h.hid ORDER BY h.hk DESC, h.hid DESC;"""
open(f'/tmp/n_{term}.sql','w').write(walk+";\n"+per+"\n")
open(f'/tmp/o_{term}.sql','w').write(old+"\n")
print(term, "k=",k, "keys=",keys, "found in period:", len(q(per).split('\n')), "old found:", len(q(old).split('\n')))

import subprocess, sys, re
S='store_yz0wygaxkwfvhdr1jgg8'
FOLD="!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
def q(sql):
    return subprocess.run(['psql','-h','127.0.0.1','-p','55990','-U','postgres','-At','-c',sql],capture_output=True,text=True).stdout
rows=int(q("SELECT count(*) FROM customers TABLESAMPLE SYSTEM (2) REPEATABLE (7)").strip())
counts={}
for line in q("SELECT t, n FROM samp").splitlines():
    t,n=line.rsplit('|',1); counts[t]=int(n)
def plain(c): return 'a'<=c<='z' or '0'<=c<='9'
def patterns(f, share, mint):
    w=[i for i in range(len(f)-2) if plain(f[i]) and plain(f[i+1]) and plain(f[i+2])]
    if len(w)<=mint: return ['%'+f+'%']
    srt=sorted(w,key=lambda i:(counts.get(f[i:i+3],0),i))
    ch=[i for k,i in enumerate(srt) if k<mint or counts.get(f[i:i+3],0)<=share*rows]
    if len(ch)==len(w): return ['%'+f+'%']
    ch.sort(); out=[]; st=ch[0]; en=st+3
    for i in ch[1:]:
        if i<=en-2: en=i+3
        else: out.append('%'+f[st:en]+'%'); st=i; en=i+3
    out.append('%'+f[st:en]+'%'); return out
def sqlfor(t, pats):
    like=' AND '.join("search_folded LIKE '%s'"%p for p in pats)
    tq=t.replace("'","''")
    return f"WITH hits AS MATERIALIZED (SELECT id AS hid, created_at AS hk FROM customers WHERE store_id='{S}' AND {like} AND strpos(search_text,'{tq}')>0 LIMIT 5001) SELECT hid, (SELECT count(*) FROM hits) FROM (SELECT hid, hk FROM hits ORDER BY hk DESC, hid DESC LIMIT 26) h"
configs=[tuple(map(float,c.split(':'))) for c in sys.argv[2].split(',')]
reps=int(sys.argv[3]) if len(sys.argv)>3 else 5
tot=[0.0]*len(configs)
for term in open(sys.argv[1]).read().split():
    t=term.lower(); f=''.join('x' if c in FOLD else c for c in t)
    res=[]
    for k,(share,mint) in enumerate(configs):
        pats=patterns(f,share,int(mint))
        script=';'.join(["EXPLAIN (ANALYZE, TIMING OFF) "+sqlfor(t,pats)]*reps)
        o=q(script)
        ts=[float(x) for x in re.findall(r'Execution Time: ([0-9.]+)',o)]
        m=min(ts); tot[k]+=m; res.append('%.2f %s'%(m,' '.join(pats)))
    print(term,' | '.join(res),flush=True)
print('TOTAL',' '.join('%.1f'%x for x in tot))

import subprocess, sys, re
from collections import defaultdict
S='store_yz0wygaxkwfvhdr1jgg8'
FOLD="!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
def q(sql):
    return subprocess.run(['psql','-h','127.0.0.1','-p','55990','-U','postgres','-At','-c',sql],capture_output=True,text=True).stdout
rows=[l.rstrip('\n') for l in open('sample.txt')]
n=len(rows); N=1000000
post=defaultdict(list)
for r,s in enumerate(rows):
    seen=set()
    for i in range(len(s)-2):
        t=s[i:i+3]
        if t not in seen: seen.add(t); post[t].append(r)
post={t:set(v) for t,v in post.items()}
def plain(c): return 'a'<=c<='z' or '0'<=c<='9'
def windows(f): return [i for i in range(len(f)-2) if plain(f[i]) and plain(f[i+1]) and plain(f[i+2])]
A=float(sys.argv[3]); B=float(sys.argv[4])
def choose(f):
    w=windows(f)
    if not w: return ['%'+f+'%']
    cnt=lambda i: len(post.get(f[i:i+3],()))
    srt=sorted(w,key=lambda i:(cnt(i),i))
    S=[srt[0]]; cur=set(post.get(f[srt[0]:srt[0]+3],set()))
    def cost(postsum,cand): return A*postsum*N/n + B*max(cand,0.5)*N/n
    ps=cnt(srt[0]); c=cost(ps,len(cur))
    rest=srt[1:]
    while rest:
        best=None
        for i in rest:
            inter=cur & post.get(f[i:i+3],set())
            cc=cost(ps+cnt(i),len(inter))
            if best is None or cc<best[0]: best=(cc,i,inter)
        if best[0]>=c: break
        c,i,cur=best; S.append(i); ps+=cnt(i); rest.remove(i)
    if len(S)==len(w): return ['%'+f+'%']
    S.sort(); out=[]; st=S[0]; en=st+3
    for i in S[1:]:
        if i<=en-2: en=i+3
        else: out.append('%'+f[st:en]+'%'); st=i; en=i+3
    out.append('%'+f[st:en]+'%'); return out
def sqlfor(t, pats):
    like=' AND '.join("search_folded LIKE '%s'"%p for p in pats)
    tq=t.replace("'","''")
    return f"WITH hits AS MATERIALIZED (SELECT id AS hid, created_at AS hk FROM customers WHERE store_id='{S}' AND {like} AND strpos(search_text,'{tq}')>0 LIMIT 5001) SELECT hid, (SELECT count(*) FROM hits) FROM (SELECT hid, hk FROM hits ORDER BY hk DESC, hid DESC LIMIT 26) h"
reps=int(sys.argv[2]); tot=0
for term in open(sys.argv[1]).read().split():
    t=term.lower(); f=''.join('x' if c in FOLD else c for c in t)
    pats=choose(f)
    o=q(';'.join(["EXPLAIN (ANALYZE, TIMING OFF) "+sqlfor(t,pats)]*reps))
    m=min(float(x) for x in re.findall(r'Execution Time: ([0-9.]+)',o)); tot+=m
    print(term,'%.2f'%m,' '.join(pats),flush=True)
print('TOTAL','%.1f'%tot)

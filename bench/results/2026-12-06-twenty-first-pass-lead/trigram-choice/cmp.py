import subprocess, sys, re
sys.argv=[sys.argv[0],'x','1','0.1','8']+sys.argv[1:]
exec(open('cost.py').read().split("reps=int(sys.argv[2])")[0].replace("A=float(sys.argv[3]); B=float(sys.argv[4])","A=0.1; B=8"))
counts={t:len(v) for t,v in post.items()}
def share_rule(f, share, mint=3):
    w=windows(f)
    if len(w)<=mint: return ['%'+f+'%']
    srt=sorted(w,key=lambda i:(counts.get(f[i:i+3],0),i))
    ch=[i for k,i in enumerate(srt) if k<mint or counts.get(f[i:i+3],0)<=share*n]
    if len(ch)==len(w): return ['%'+f+'%']
    ch.sort(); out=[]; st=ch[0]; en=st+3
    for i in ch[1:]:
        if i<=en-2: en=i+3
        else: out.append('%'+f[st:en]+'%'); st=i; en=i+3
    out.append('%'+f[st:en]+'%'); return out
def costrule(a,b):
    def r(f):
        global A,B
        A,B=a,b; return choose(f)
    return r
strats={'cur':lambda f: share_rule(f,0.03),'s003':lambda f: share_rule(f,0.003),'c8':costrule(0.1,8),'c20':costrule(0.1,20),'c50':costrule(0.1,50)}
terms=open(sys.argv[5]).read().split(); reps=int(sys.argv[6])
tot={k:0.0 for k in strats}
for term in terms:
    t=term.lower(); f=''.join('x' if c in FOLD else c for c in t)
    pats={k:s(f) for k,s in strats.items()}
    best={k:1e9 for k in strats}
    for rep in range(reps):
        for k in strats:
            o=q("EXPLAIN (ANALYZE, TIMING OFF) "+sqlfor(t,pats[k]))
            best[k]=min(best[k],float(re.search(r'Execution Time: ([0-9.]+)',o).group(1)))
    for k in strats: tot[k]+=best[k]
    print(term,' '.join('%s=%.2f[%s]'%(k,best[k],' '.join(pats[k])) for k in strats),flush=True)
print('TOTAL',' '.join('%s=%.1f'%(k,v) for k,v in tot.items()))

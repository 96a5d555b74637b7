# steady31: synthetic state rows (stored ~15 % of 1,000 numbers with since-times) and new lists after K random flips;
# MembershipEdits.runs ported for P pairs; writes a COPY file for the scratch table
import random, sys
random.seed(7)
def runs(now, edits, P):
    changed=sorted(edits); left=[]; entered=[]; k=0; nowset=set(now)
    while k<len(changed):
        x=changed[k]; s=k
        while s<len(changed) and changed[s]==x: s+=1
        if (s-k)&1:
            (entered if x in nowset else left).append(x)
        k=s
    out=[0]*(P*4+1); pairs=0; i=1; j=1; e=0; l=0
    a=0;b=-1;c=0;d=-1;opn=False
    while j<=len(now) or l<len(left):
        if l<len(left) and (j>len(now) or left[l]<now[j-1]):
            l+=1; i+=1
        elif e<len(entered) and entered[e]==now[j-1]:
            if not opn: a=i; b=i-1; opn=True
            if d<c: c=j
            d=j; e+=1; j+=1
        else:
            if opn and d<c and (b<a or b==i-1):
                if b<a: a=i
                b=i
            else:
                if opn:
                    if pairs==P: return None
                    out[pairs*4:pairs*4+4]=[a,b,c,d]; pairs+=1
                a=i;b=i;c=j+1;d=j;opn=True
            i+=1; j+=1
    if opn:
        if pairs==P: return None
        out[pairs*4:pairs*4+4]=[a,b,c,d]; pairs+=1
    stored=i-1
    while pairs<P:
        out[pairs*4:pairs*4+4]=[stored+1,stored,len(now)+1,len(now)]; pairs+=1
    out[P*4]=stored
    return out
K=int(sys.argv[1]); N=int(sys.argv[2])
nulls={8:0,16:0,32:0}
with open(sys.argv[3],'w') as f:
    for r in range(N):
        stored=sorted(n for n in range(1,1001) if random.random()<0.15)
        k=random.randint(1,2*K)
        edits=[random.choice(stored) if (random.random()<0.5 and stored) else random.randint(1,1000) for _ in range(k)]
        s=set(stored)
        for x in edits: s^={x}
        now=sorted(s)
        hs={}
        for P in (8,16,32):
            h=runs(now,edits,P); hs[P]=h
            if h is None: nulls[P]+=1
        fmt=lambda h: '\\N' if h is None else '{'+','.join(map(str,h))+'}'
        f.write('%d\t{%s}\t{%s}\t%s\t%s\t%s\n'%(r,','.join(map(str,stored)),','.join(map(str,now)),fmt(hs[8]),fmt(hs[16]),fmt(hs[32])))
print('K',K,'rows',N,'runs null (fallback) at P=8,16,32:',nulls)

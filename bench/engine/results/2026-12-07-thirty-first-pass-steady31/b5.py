import random, sys
Ks=[int(x) for x in sys.argv[1].split(',')]; Ps=[8,16,24,32]
sys.argv=['x','1','1','/dev/null']
exec(open('gen.py').read().split("K=int(sys.argv[1])")[0])
random.seed(13)
def since_expr(P,hc):
    nums=[];since=[];begun=[]
    for p in range(P):
        h=p*4+1
        st="[u.%s[%d]:u.%s[%d]]"%(hc,h,hc,h+1); bg="[u.%s[%d]:u.%s[%d]]"%(hc,h+2,hc,h+3)
        nums.append("e.segment_nums"+st+" || u.newnums"+bg); begun.append("u.newnums"+bg)
        since.append("e.segment_since"+st+" || array_fill(now(), ARRAY[u.%s[%d] - u.%s[%d] + 1])"%(hc,h+3,hc,h+2))
    L=P*4+1
    fb="ARRAY(SELECT coalesce(o.t, now()) FROM unnest(u.newnums) WITH ORDINALITY AS n(id, k) LEFT JOIN unnest(e.segment_nums, e.segment_since) AS o(id, t) ON o.id = n.id ORDER BY n.k)"
    return ("CASE WHEN cardinality(e.segment_nums) = u.%s[%d] AND %s = u.newnums AND NOT e.segment_nums && (%s) THEN %s ELSE %s END"
            %(hc,L," || ".join(nums)," || ".join(begun)," || ".join(since),fb)), fb
out=["\\timing on","SET max_parallel_workers_per_gather = 0;"]
for K in Ks:
    with open('r5-%d.tsv'%K,'w') as f:
        nul={P:0 for P in Ps}
        for line in open('real.tsv'):
            s_,c_,nums=line.rstrip('\n').split('\t')
            stored=[int(x) for x in nums.split(',')] if nums else []
            k=random.randint(1,2*K)
            edits=[random.choice(stored) if (random.random()<0.5 and stored) else random.randint(1,1000) for _ in range(k)]
            s=set(stored)
            for x in edits: s^={x}
            now=sorted(s)
            hs={P:runs(now,edits,P) for P in Ps}
            for P in hs:
                if hs[P] is None: nul[P]+=1
            fmt=lambda h: '\\N' if h is None else '{'+','.join(map(str,h))+'}'
            f.write('%s\t%s\t{%s}\t%s\n'%(s_,c_,','.join(map(str,now)),'\t'.join(fmt(hs[P]) for P in Ps)))
        print('K',K,'fallback rows of 3000:',nul)
    out+=["DROP TABLE IF EXISTS e5; CREATE TABLE e5 (s text, c text, newnums int[], h8 int[], h16 int[], h24 int[], h32 int[]);",
         "\\copy e5 FROM 'r5-%d.tsv'"%K,"VACUUM ANALYZE e5;"]
    J=" FROM e5 u JOIN customer_eval_state e ON e.store_id = u.s AND e.customer_id = u.c"
    exs=[("fallback",since_expr(8,'h8')[1])]+[("P%d"%P,since_expr(P,'h%d'%P)[0]) for P in Ps]+[("none","u.newnums")]
    for rep in range(5):
        for name,ex in exs:
            out.append("\\echo K=%d %s"%(K,name)); out.append(("SELECT sum(cardinality(%s))"%ex)+J+";")
open('bench5.sql','w').write("\n".join(out)+"\n")

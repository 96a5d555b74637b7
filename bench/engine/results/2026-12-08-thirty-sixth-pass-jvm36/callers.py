#!/usr/bin/env python3
# callers.py STACKS TARGET: for samples with a frame matching TARGET, the nearest io.shoal frame above it (share of all samples)
import sys, re, collections
samples=[]; cur=[]
for line in open(sys.argv[1]):
    s=line.strip()
    if not s:
        if cur: samples.append(cur); cur=[]
        continue
    cur.append(s.split(" ",1)[1] if " " in s else s)
if cur: samples.append(cur)
tgt=re.compile(sys.argv[2]); c=collections.Counter(); n=0
for st in samples:
    for i,f in enumerate(st):
        if tgt.search(f):
            n+=1
            up=next((g for g in st[i+1:] if 'io.shoal' in g), '-')
            c[re.sub(r'\(.*','',up)]+=1
            break
print(f"{n} of {len(samples)} samples ({100*n/len(samples):.1f} %)")
for k,v in c.most_common(15): print(f"{100*v/len(samples):6.2f} %  {k}")

#!/usr/bin/env python3
# thr.py SNAPFILE [EVENTS_PER_S]: Shoal's CPU in the measured window by thread kind (cores; ms an event with eps)
import sys, collections
rows=[l.rstrip('\n').split('\t') for l in open(sys.argv[1])]
eps=float(sys.argv[2]) if len(sys.argv)>2 else None
snap={}; t={}
for L,T,n,s in rows:
    snap.setdefault(L,collections.Counter())
    t[L]=float(T)
    def kind(n):
        for k,c in [('eventloop','event loops'),('C2 Compiler','JIT C2'),('C1 Compiler','JIT C1'),('GC','GC'),('G1','GC'),('VM Thread','VM thread'),('JFR','JFR'),('worker-thread','worker pool'),('internal-blocking','internal blocking')]:
            if k in n: return c
        return 'other ('+n+')'
    snap[L][kind(n)]+=int(s)
secs=t['end']-t['start']
d={k: snap['end'][k]-snap['start'].get(k,0) for k in snap['end']}
tot=sum(d.values())
print(f"window {secs:.1f} s; Shoal {tot/100/secs:.3f} cores" + (f", {tot/100/secs/eps*1000:.3f} ms an event at {eps:.0f}/s" if eps else ""))
for k,v in sorted(d.items(), key=lambda x:-x[1]):
    if v>0: print(f"  {k:28s} {v/100/secs:6.3f} cores {100*v/tot:5.1f} %" + (f"  {v/100/secs/eps*1000:.3f} ms an event" if eps else ""))

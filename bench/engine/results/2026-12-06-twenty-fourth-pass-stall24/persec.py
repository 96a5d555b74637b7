import collections,sys,time
b=collections.defaultdict(list)
for l in open(sys.argv[1]+'/events.tsv'):
    d,a,r=l.split('\t'); b[int(float(d))].append((float(a),float(r)))
for s in sorted(b):
    v=b[s]; a=sorted(x[0] for x in v); r=sorted(x[1] for x in v)
    print(time.strftime('%H:%M:%S',time.gmtime(s)), len(v), 'ack p50 %4.0f p99 %4.0f'%(a[len(a)//2],a[int(len(a)*.99)]), ' rec p50 %4.0f p99 %4.0f'%(r[len(r)//2], r[int(len(r)*.99)]))

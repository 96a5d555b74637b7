import json,collections,datetime,sys
# jfrphase.py EXEC.json LAUNCH_ISO cut1 cut2 ...: per phase and thread, top self frames and top first-io.shoal frames
d=json.load(open(sys.argv[1]))
t0=datetime.datetime.fromisoformat(sys.argv[2])
cuts=[float(x) for x in sys.argv[3:]]
def ts(e):
  return (datetime.datetime.fromisoformat(e['values']['startTime'].replace('Z','+00:00'))-t0).total_seconds()
def fr(f):
  m=f['method']; return m['type']['name'].split('.')[-1]+'.'+m['name']
ph=collections.defaultdict(lambda: collections.defaultdict(collections.Counter))
tot=collections.defaultdict(collections.Counter)
for e in d['recording']['events']:
  t=ts(e); p=sum(1 for c in cuts if t>=c)
  th=e['values']['sampledThread']['javaName'].replace('vert.x-','')
  th='loop' if 'eventloop' in th else 'worker' if 'worker' in th else th
  fs=e['values']['stackTrace']['frames']
  top=fr(fs[0]) if fs else '?'
  sh=next((fr(f) for f in fs if f['method']['type']['name'].startswith('io.shoal')), '-')
  ph[p][th]['self '+top]+=1
  ph[p][th]['shoal '+sh]+=1
  tot[p][th]+=1
for p in sorted(ph):
  print('=== phase',p,dict(tot[p]))
  for th in ph[p]:
    print('  --',th,tot[p][th])
    for k,v in ph[p][th].most_common(int(sys.argv[0:1] and 14)):
      print('    ',v,k)

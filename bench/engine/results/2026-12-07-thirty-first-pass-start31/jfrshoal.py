import json,collections,datetime,sys
# jfrshoal.py EXEC.json LAUNCH_ISO from to [thread]: per sample: time thread, the first 3 io.shoal frames (outermost-first reversed) and top frame
d=json.load(open(sys.argv[1])); t0=datetime.datetime.fromisoformat(sys.argv[2])
a,b=float(sys.argv[3]),float(sys.argv[4]); thf=sys.argv[5] if len(sys.argv)>5 else ''
def ts(e): return (datetime.datetime.fromisoformat(e['values']['startTime'].replace('Z','+00:00'))-t0).total_seconds()
def fr(f):
  m=f['method']; return m['type']['name'].split('/')[-1]+'.'+m['name']
c=collections.Counter()
for e in d['recording']['events']:
  t=ts(e)
  if not (a<=t<b): continue
  th=e['values']['sampledThread']['javaName']
  if thf not in th: continue
  fs=e['values']['stackTrace']['frames']
  sh=[fr(f) for f in fs if f['method']['type']['name'].startswith('io/shoal') or 'zonky' in f['method']['type']['name'] or 'flyway' in f['method']['type']['name']]
  key=th.replace('vert.x-','')[:14]+' | '+' < '.join(sh[:3])+' || '+(fr(fs[0]) if fs else '')
  c[key]+=1
for k,v in c.most_common(60): print(v,k)

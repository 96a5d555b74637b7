import json,collections,datetime,sys
# jfrstack.py EXEC.json LAUNCH_ISO from to depth [thread-substring]: top stacks (depth frames) in a window
d=json.load(open(sys.argv[1])); t0=datetime.datetime.fromisoformat(sys.argv[2])
a,b,depth=float(sys.argv[3]),float(sys.argv[4]),int(sys.argv[5]); thf=sys.argv[6] if len(sys.argv)>6 else ''
def ts(e): return (datetime.datetime.fromisoformat(e['values']['startTime'].replace('Z','+00:00'))-t0).total_seconds()
def fr(f):
  m=f['method']; return m['type']['name'].split('/')[-1]+'.'+m['name']+':'+str(f.get('lineNumber',''))
c=collections.Counter(); n=0
for e in d['recording']['events']:
  t=ts(e)
  if not (a<=t<b): continue
  th=e['values']['sampledThread']['javaName']
  if thf not in th: continue
  n+=1
  fs=e['values']['stackTrace']['frames']
  c[' < '.join(fr(f) for f in fs[:depth])]+=1
print(n)
for k,v in c.most_common(int(sys.argv[7]) if len(sys.argv)>7 else 40): print(v,k)

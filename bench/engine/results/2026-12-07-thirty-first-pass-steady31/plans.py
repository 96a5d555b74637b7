import re,sys
t=open(sys.argv[1]).read()
entries=re.split(r'\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ UTC \[)', t)
def pick(prefix):
    ps=[e for e in entries if ('Query Text: '+prefix) in e]
    ps.sort(key=lambda e: float(re.search(r'duration: ([\d.]+) ms',e).group(1)))
    return ps
if __name__=='__main__':
    prefix=sys.argv[2]; q=float(sys.argv[3]) if len(sys.argv)>3 else 0.5
    ps=pick(prefix)
    e=ps[int(len(ps)*q)]
    print(len(ps),'plans')
    print('\n'.join(l[:230] for l in e.split('\n') if not l.startswith('\tQuery Text') and 'Query Parameters' not in l))

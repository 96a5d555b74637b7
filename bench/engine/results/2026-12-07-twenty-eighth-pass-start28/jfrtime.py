#!/usr/bin/env python3
"""jfrtime.py FILE.jfr CAT=REGEX...: event-loop samples per second, by the first category whose regex matches a frame."""
import re, subprocess, sys, collections
f = sys.argv[1]; cats = [(c.split('=',1)[0], re.compile(c.split('=',1)[1])) for c in sys.argv[2:]]
out = subprocess.run(["jfr", "print", "--stack-depth", "96", "--events", "jdk.ExecutionSample", f], capture_output=True, text=True).stdout
rows = collections.defaultdict(collections.Counter); t=None; th=None; st=[]
def flush():
    if t is None or not st or 'eventloop' not in th: return
    cat = 'other'
    for name, rx in cats:
        if any(rx.search(x) for x in st): cat = name; break
    rows[t][cat] += 1
for line in out.splitlines():
    s = line.strip()
    if s.startswith("jdk.ExecutionSample"): flush(); t=None; th=None; st=[]
    elif s.startswith("startTime"): t = s.split('=')[1].strip()[:8]
    elif s.startswith("sampledThread"): th = s
    elif "line:" in s: st.append(s)
flush()
names = [c[0] for c in cats] + ['other']
print('sec\t' + '\t'.join(names))
tot = collections.Counter()
for sec in sorted(rows):
    print(sec + '\t' + '\t'.join(str(rows[sec][n]) for n in names)); tot.update(rows[sec])
print('all\t' + '\t'.join(str(tot[n]) for n in names))

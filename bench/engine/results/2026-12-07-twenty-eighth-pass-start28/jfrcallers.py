#!/usr/bin/env python3
"""jfrcallers.py FILE.jfr REGEX [DEPTH]: for event-loop samples with a frame matching REGEX, the chain of DEPTH callers above its first match."""
import re, subprocess, sys, collections
f, rx = sys.argv[1], re.compile(sys.argv[2]); d = int(sys.argv[3]) if len(sys.argv) > 3 else 4
out = subprocess.run(["jfr", "print", "--stack-depth", "96", "--events", "jdk.ExecutionSample", f], capture_output=True, text=True).stdout
c = collections.Counter(); th=None; st=[]; n=0
def flush():
    global n
    if not st or th is None or 'eventloop' not in th: return
    for i, x in enumerate(st):
        if rx.search(x):
            n += 1; c[' <- '.join(st[i:i+d])] += 1; return
for line in out.splitlines():
    s = line.strip()
    if s.startswith("jdk.ExecutionSample"): flush(); th=None; st=[]
    elif s.startswith("sampledThread"): th = s
    elif "line:" in s: st.append(re.sub(r'\(.*?\)', '', s).replace('line: ', ':'))
flush()
print(n, 'samples')
for k, v in c.most_common(25): print(f"{v:5d}  {k}")

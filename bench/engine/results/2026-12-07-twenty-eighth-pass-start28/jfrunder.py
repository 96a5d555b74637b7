#!/usr/bin/env python3
"""jfrunder.py FILE.jfr REGEX [N]: event-loop samples having a frame matching REGEX: the frames below it (callees) inclusive, and self."""
import re, subprocess, sys, collections
f, rx = sys.argv[1], re.compile(sys.argv[2]); N = int(sys.argv[3]) if len(sys.argv) > 3 else 30
out = subprocess.run(["jfr", "print", "--stack-depth", "96", "--events", "jdk.ExecutionSample", f], capture_output=True, text=True).stdout
inc = collections.Counter(); slf = collections.Counter(); th=None; st=[]; n=0
def flush():
    global n
    if not st or th is None or 'eventloop' not in th: return
    for i, x in enumerate(st):
        if rx.search(x):
            n += 1; slf[st[0]] += 1
            for m in set(st[:i]): inc[m] += 1
            return
for line in out.splitlines():
    s = line.strip()
    if s.startswith("jdk.ExecutionSample"): flush(); th=None; st=[]
    elif s.startswith("sampledThread"): th = s
    elif "line:" in s: st.append(re.sub(r'\(.*', '', s))
flush()
print(n, 'samples under', rx.pattern)
print('callees inclusive:')
for k, v in inc.most_common(N): print(f"{100*v/n:6.1f}%  {k}")
print('self:')
for k, v in slf.most_common(N): print(f"{100*v/n:6.1f}%  {k}")

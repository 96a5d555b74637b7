#!/usr/bin/env python3
"""jfrsum.py FILE.jfr : execution samples -> top self frames, and inclusive shares of io.shoal classes and libraries."""
import sys, subprocess, collections, re
out = subprocess.run(['jfr', 'print', '--events', 'jdk.ExecutionSample', '--stack-depth', '96', sys.argv[1]],
                     capture_output=True, text=True).stdout
events = out.split('jdk.ExecutionSample')
selfc, incl, shoal, total = collections.Counter(), collections.Counter(), collections.Counter(), 0
for ev in events[1:]:
    frames = re.findall(r'^\s+([\w.$<>/]+)\(', ev, re.M)
    frames = [f for f in frames if '.' in f]
    if not frames: continue
    total += 1
    selfc[frames[0]] += 1
    seen, seen2 = set(), set()
    for f in frames:
        cls = f.rsplit('.', 1)[0]
        if cls.startswith('io.shoal') and f not in seen:
            seen.add(f); shoal[f] += 1
        lib = '.'.join(cls.split('.')[:3])
        if lib not in seen2:
            seen2.add(lib); incl[lib] += 1
print(f"samples {total}")
print("== top self frames")
for f, n in selfc.most_common(40): print(f"{100*n/total:5.1f}% {n:5d} {f}")
print("== inclusive by library (first 3 package parts)")
for f, n in incl.most_common(30): print(f"{100*n/total:5.1f}% {n:5d} {f}")
print("== inclusive io.shoal methods")
for f, n in shoal.most_common(60): print(f"{100*n/total:5.1f}% {n:5d} {f}")

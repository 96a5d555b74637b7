#!/usr/bin/env python3
"""Side by side, run by run: summary.py's rows of two labels. usage: sidebyside.py DIR BASE NEW"""
import subprocess, sys
d, a, b = sys.argv[1:4]
def rows(label):
    out = subprocess.run([sys.executable, __file__.replace('sidebyside.py', 'summary.py'), d, label], capture_output=True, text=True).stdout
    r = {}
    for l in out.splitlines():
        f = [x.strip() for x in l.strip('|').split('|')]
        if len(f) > 3 and f[0] == label:
            r[f[2]] = f
    return r
A, B = rows(a), rows(b)
print(f"| run (20 s, from empty) | {a}: req/s (x ceiling) | p99 ms | gets reading PG | young/mixed pauses n / ms / max / MB copied | {b}: req/s (x ceiling) | p99 ms | gets reading PG | pauses n / ms / max / MB copied |")
print("|---:|---:|---:|---:|---|---:|---:|---:|---|")
for k in sorted(set(A) | set(B), key=lambda x: (not x.isdigit(), int(x) if x.isdigit() else 0)):
    def cell(R):
        if k not in R: return "| | | |"
        f = R[k]
        if not k.isdigit(): return f"{f[3]} | | | |"
        return f"{f[3]} ({f[4]}) | {f[6]} | {f[8]} | {f[9]} |"
    print(f"| {k} | {cell(A)} {cell(B)}".replace("| |  |", "|"))

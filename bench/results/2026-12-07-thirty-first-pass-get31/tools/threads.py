#!/usr/bin/env python3
# threads.py snap PID > file ; threads.py diff before after REQUESTS: CPU per thread group (utime, stime) in us a request
import sys, os, re, collections
def snap(pid):
    out = {}
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            s = open(f"/proc/{pid}/task/{t}/stat").read()
            name = s[s.index("(") + 1:s.rindex(")")]
            f = s[s.rindex(")") + 2:].split()
            out[t] = (name, int(f[11]), int(f[12]))
        except Exception:
            pass
    return out
if sys.argv[1] == "snap":
    for t, (n, u, s) in snap(sys.argv[2]).items():
        print(f"{t}\t{n}\t{u}\t{s}")
else:
    def load(p):
        d = {}
        for line in open(p):
            t, n, u, s = line.rstrip("\n").split("\t"); d[t] = (n, int(u), int(s))
        return d
    a, b, n = load(sys.argv[2]), load(sys.argv[3]), int(sys.argv[4])
    g = collections.defaultdict(lambda: [0, 0])
    for t, (name, u, s) in b.items():
        u0, s0 = (a[t][1], a[t][2]) if t in a else (0, 0)
        key = re.sub(r"[-#]?\d+$", "", name)
        g[key][0] += u - u0; g[key][1] += s - s0
    tot = sum(x + y for x, y in g.values())
    print(f"total {tot*10000/n:.1f} us/req (user {sum(x for x,_ in g.values())*10000/n:.1f}, sys {sum(y for _,y in g.values())*10000/n:.1f})")
    for k, (u, s) in sorted(g.items(), key=lambda kv: -(kv[1][0] + kv[1][1])):
        if u + s > 0:
            print(f"  {k:28s} user {u*10000/n:6.2f}  sys {s*10000/n:6.2f} us/req")

#!/usr/bin/env python3
"""jfrthreads.py FILE.jfr [N] [THREAD_REGEX]: JFR execution samples per thread, and per thread group the top
self frames and inclusive methods (all frames, not only io.shoal). Reads `jfr print` text."""
import re, subprocess, sys, collections
f = sys.argv[1]; n = int(sys.argv[2]) if len(sys.argv) > 2 else 30
tre = re.compile(sys.argv[3]) if len(sys.argv) > 3 else None
out = subprocess.run(["jfr", "print", "--stack-depth", "96", "--events", "jdk.ExecutionSample", f],
                     capture_output=True, text=True).stdout
threads = collections.Counter(); self_ = collections.Counter(); incl = collections.Counter(); total = 0
thread = None; stack = []
def flush():
    global total
    if thread is None or not stack: return
    threads[thread] += 1
    if tre and not tre.search(thread): return
    total += 1
    self_[stack[0]] += 1
    for m in set(stack): incl[m] += 1
for line in out.splitlines():
    s = line.strip()
    if s.startswith("jdk.ExecutionSample"):
        flush(); thread = None; stack = []
    elif s.startswith("sampledThread"):
        thread = re.sub(r'\s*\(javaThreadId.*', '', s.split("=", 1)[1].strip()).strip('"')
        thread = re.sub(r'-\d+$', '-N', thread)
    elif "line:" in s:
        stack.append(re.sub(r'\(.*', '', s))
flush()
allt = sum(threads.values())
print(f"samples: {allt}; by thread:")
for t, c in threads.most_common(15): print(f"{c:7d} {100*c/allt:6.1f}%  {t}")
print(f"\nkept: {total} samples" + (f" of threads /{tre.pattern}/" if tre else ""))
print("\nself:")
for m, c in self_.most_common(n): print(f"{100*c/total:6.1f}%  {m}")
print("\ninclusive:")
for m, c in incl.most_common(n + 30): print(f"{100*c/total:6.1f}%  {m}")

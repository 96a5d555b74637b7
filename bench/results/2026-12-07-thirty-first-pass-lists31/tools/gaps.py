#!/usr/bin/env python3
# gaps.py SECONDS OUT: sleep 1 ms in a loop (run under chrt -f: a real-time thread, which the guest's scheduler runs as
# soon as its timer fires); log every oversleep > 4 ms with its time: a gap there is time the vCPU did not run
# (or ran something above real time: interrupts), not the guest's scheduling.
import time, sys
secs, out = float(sys.argv[1]), sys.argv[2]
end = time.monotonic() + secs; last = time.monotonic(); gaps = []; n = 0
while last < end:
    time.sleep(0.001); now = time.monotonic(); n += 1
    if now - last > 0.005: gaps.append((time.time(), (now - last) * 1000))
    last = now
with open(out, 'w') as f:
    f.write('# %d wakeups\n' % n)
    for t, g in gaps: f.write('%.3f\t%.1f\n' % (t, g))

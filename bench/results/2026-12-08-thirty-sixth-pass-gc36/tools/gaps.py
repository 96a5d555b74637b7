#!/usr/bin/env python3
# gaps.py SECONDS OUT (lists31's, writing as it goes): sleep 1 ms in a loop under chrt -f; log every oversleep > 5 ms
# with its wall time: a gap there is time the vCPU did not run (or ran something above real time).
import time, sys
secs, out = float(sys.argv[1]), sys.argv[2]
end = time.monotonic() + secs; last = time.monotonic()
with open(out, 'w', buffering=1) as f:
    while last < end:
        time.sleep(0.001); now = time.monotonic()
        if now - last > 0.005: f.write('%.3f\t%.1f\n' % (time.time(), (now - last) * 1000))
        last = now

#!/usr/bin/env python3
"""gct-summary.py SERVER_LOG: the "GCT" lines the timing build prints every 2 s (GroupCommit with
-Dshoal.experiment.gcTiming=true), pooled into 64-connection intervals (average batch >= 16) and 8-connection
intervals (average batch < 8), each figure weighted by its interval's batches. start = from a batch's forming to its
work's start (a pooled connection, BEGIN); work = its statements and the JVM work between them; commit = COMMIT's
round trip; waitprev = the wait for the batch before to answer; overlapped = batches formed while another was in
flight."""
import sys
rows = [dict(kv.split('=') for kv in l.split('GCT ', 1)[1].split()) for l in open(sys.argv[1]) if 'GCT ' in l]
for name, f in (('64 conns (avg batch >= 16)', lambda r: float(r['avg']) >= 16), ('8 conns (avg batch < 8)', lambda r: float(r['avg']) < 8)):
    sel = [r for r in rows if f(r)]
    if not sel:
        continue
    b = sum(int(r['batches']) for r in sel)
    w = lambda k: sum(float(r[k]) * int(r['batches']) for r in sel) / b
    print(f"{name}: intervals {len(sel)}, batches {b}, avg batch {sum(int(r['units']) for r in sel) / b:.1f}, "
          f"start {w('start_ms'):.2f} ms, work {w('work_ms'):.2f} ms, commit {w('commit_ms'):.2f} ms, "
          f"waitprev {w('waitprev_ms'):.2f} ms, overlapped {100 * sum(int(r['overlap']) for r in sel) / b:.0f}%")

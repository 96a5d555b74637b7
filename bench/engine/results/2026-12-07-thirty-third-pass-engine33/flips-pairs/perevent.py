#!/usr/bin/env python3
# steady31: pg-io-*.txt (pg_stat_statements with buffers and WAL) per call and per event; events = rows of the event
# inserts (the group commit's WITH written AS (INSERT INTO events ...) and the plain INSERT INTO events)
import sys, re
names = [("WITH u AS (SELECT u.s, u.c, u.seen", "state rows"), ("INSERT INTO segment_flips", "flips"),
         ("INSERT INTO notification_sets", "notification sets"), ("WITH written AS (INSERT INTO events", "event log (group commit)"),
         ("UPDATE customers c SET total_orders", "customers' aggregates"), ("INSERT INTO segment_member_counts", "member counts"),
         ("UPDATE evaluator_checkpoints", "checkpoint"), ("INSERT INTO events", "event log (batch)")]
for path in sys.argv[1:]:
    rows = []
    for line in open(path):
        parts = [p.strip() for p in line.split('|')]
        if len(parts) < 11 or not parts[0].isdigit():
            continue
        rows.append(parts)
    events = sum(int(r[2]) for r in rows if r[10].startswith("WITH written AS (INSERT INTO events") or r[10].startswith("INSERT INTO events"))
    print(path, "events", events)
    print("| statement | calls | ms a call | ms an event | rows an event | buffers hit / read / dirtied / written an event | WAL records / bytes an event | full-page images |")
    print("|---|---|---|---|---|---|---|---|")
    agg = {}
    for r in rows:
        for pre, nm in names:
            if r[10].startswith(pre):
                a = agg.setdefault(nm, [0]*9)
                for i, k in enumerate((0, 1, 2, 3, 4, 5, 6, 7, 9)):
                    a[i] += float(r[k])
                a.append(float(r[8])) if False else None
                agg[nm + "#fpi"] = agg.get(nm + "#fpi", 0) + int(r[8])
                break
    for pre, nm in names:
        if nm not in agg: continue
        c, ms, rw, hit, rd, dirt, wr, walr, walb = agg[nm]
        e = events
        print(f"| {nm} | {int(c):,} | {ms/c:.2f} | {ms/e:.3f} | {rw/e:.2f} | {hit/e:.1f} / {rd/e:.2f} / {dirt/e:.2f} / {wr/e:.2f} | {walr/e:.1f} / {walb/e:,.0f} | {agg[nm+'#fpi']:,} |")

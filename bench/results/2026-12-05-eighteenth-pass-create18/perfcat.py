#!/usr/bin/env python3
"""perf script (dwarf) of postgres processes -> share of samples per category (first matching frame name, priority order)."""
import sys, collections, subprocess
CATS = [
  ("facets trigger (plpgsql)", ["plpgsql_exec_trigger"]),
  ("FK checks (RI)", ["RI_FKey_check"]),
  ("RETURNING subplans", ["ExecSubPlan", "ExecEvalSubPlan"]),
  ("GIN insert", ["gininsert", "ginInsertCleanup"]),
  ("unique/ON CONFLICT checks", ["ExecCheckIndexConstraints", "_bt_check_unique"]),
  ("btree insert", ["btinsert"]),
  ("heap insert", ["heap_insert", "heap_multi_insert"]),
  ("planning", ["pg_plan_queries", "standard_planner", "GetCachedPlan"]),
  ("parse/analyze", ["parse_analyze_varparams", "parse_analyze", "raw_parser", "pg_parse_query", "pg_analyze_and_rewrite"]),
  ("executor start/end", ["standard_ExecutorStart", "standard_ExecutorEnd", "ExecInitNode"]),
  ("commit/WAL flush", ["CommitTransaction", "XLogFlush", "RecordTransactionCommit"]),
  ("insert (other)", ["ExecInsert", "ExecModifyTable"]),
  ("select/scan", ["PortalRunSelect", "ExecScan", "ExecSort", "ExecAgg"]),
  ("send results / socket", ["printtup", "pq_flush", "socket_flush", "internal_flush", "secure_write"]),
  ("read socket / idle", ["pq_getbyte", "secure_read", "WaitEventSetWait", "ReadCommand"]),
  ("checkpointer/bgwriter/walwriter", ["CheckpointerMain", "BackgroundWriterMain", "WalWriterMain", "AutoVacWorkerMain", "AutoVacLauncherMain"]),
]
data = sys.argv[1]
comm = sys.argv[2] if len(sys.argv) > 2 else 'postgres'
out = subprocess.run(['perf', 'script', '-i', data, '--comms', comm, '-F', 'comm,ip,sym'], capture_output=True, text=True).stdout
cnt, total = collections.Counter(), 0
top_other = collections.Counter()
for block in out.split('\n\n'):
    lines = [l.strip() for l in block.strip().split('\n') if l.strip()]
    if len(lines) < 2: continue
    syms = [l.split()[1] if len(l.split()) > 1 else '?' for l in lines[1:]]
    total += 1
    for name, keys in CATS:
        if any(k in syms for k in keys):
            cnt[name] += 1; break
    else:
        cnt['other'] += 1
        top_other[' <- '.join(syms[:4])] += 1
for k, v in cnt.most_common():
    print(f"{100*v/total:6.1f}%  {k}")
print(f"samples {total}")
if len(sys.argv) > 3:
    for k, v in top_other.most_common(25): print(f"   {100*v/total:5.1f}% {k}")

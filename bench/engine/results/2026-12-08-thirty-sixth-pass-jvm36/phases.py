#!/usr/bin/env python3
# phases.py STACKS: the event loops' perf samples by phase: each sample goes to the phase of the innermost (closest to
# the leaf) frame that names one; the leaf's kind (kernel, JVM runtime, Java) is counted apart
import sys, re, collections
samples=[]; cur=[]
for line in open(sys.argv[1]):
    s=line.strip()
    if not s:
        if cur: samples.append(cur); cur=[]
        continue
    cur.append(s.split(' ',1)[1] if ' ' in s else s)
if cur: samples.append(cur)
P=[('rule evaluation (apply, re-test, next flips)', r'PartitionCore\.(apply|evaluate|runDueChecks|timeCheck)|io\.shoal\.segment\.rule\.'),
   ('notifications of the flips (announcements, set text, recorded, wake)', r'EvaluationStore\.(announcements|flipRows)|NotificationLog|SetText|PartitionCore\.change'),
   ('batch: state bytes, memberships, statements built', r'BatchWriter\.flush|EvaluationStore\.(persist|customers|flips|insertFlips|counts|checkpoint|lambda)|CustomerState\.toBytes|PartitionCore\.(written|takePending)|CustomerAggregates'),
   ('event log (group commit, hand-off to evaluators and readers)', r'PgEventLog|LoggedEventRouter|EventIngestion'),
   ('HTTP request: parse, route, auth, JSON, 202', r'io\.shoal\.http\.|EventApi|EventParser|Http1xServer|HttpObjectDecoder|io\.vertx\.ext\.web|HttpServerCodec'),
   ('log readers (automation, coupons, attribution)', r'io\.shoal\.(automation|coupon|campaign)\.'),
   ('PostgreSQL driver (encode/decode) not under the above', r'io\.vertx\.pgclient|io\.vertx\.sqlclient'),
   ('HTTP server (Vert.x, Netty) below Shoal', r'io\.vertx\.core\.http|io\.netty\.handler\.codec\.http'),
   ('event loop, futures, event bus plumbing', r'io\.vertx\.core|io\.netty')]
c=collections.Counter(); leafk=collections.Counter()
for st in samples:
    ph='other'
    done=False
    for group in (P[:6], P[6:]):  # Shoal's phases first (innermost Shoal frame), then the libraries'
        for f in st:
            hit=None
            for name,rx in group:
                if re.search(rx,f): hit=name; break
            if hit: ph=hit; done=True; break
        if done: break
    c[ph]+=1
    leaf=st[0]
    leafk['kernel' if re.search(r'^\[?k|_\[k\]|^(entry_|do_syscall|pvm_|__|tcp_|ip_|sock_|ep_|schedule|finish_task|native_)',leaf) and '(' not in leaf else ('JVM runtime / stubs' if '(' not in leaf else 'Java')]+=1
n=len(samples)
print(f"{n} samples of the event loops")
for k,v in c.most_common(): print(f"{100*v/n:5.1f} %  {k}")

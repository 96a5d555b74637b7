#!/usr/bin/env python3
# lead36: per run, the state statement's and the top 15 statements' PostgreSQL time and WAL an event (pg-io-ingest.txt:
# pg_stat_statements reset before the ingest step, so warm-up, run and drain; events = rows of the event log's insert)
import sys
for d in ['base-015546', 'new-015754', 'new-020000', 'base-020207']:
    rows = []
    for line in open(d + '/pg-io-ingest.txt'):
        p = [x.strip() for x in line.split('|')]
        if len(p) >= 11 and p[0].isdigit():
            rows.append(p)
    n = int([r for r in rows if r[10].startswith('WITH written AS (INSERT INTO events')][0][2])
    st = [r for r in rows if r[10].startswith('WITH u AS (SELECT u.s, u.c, u.seen')][0]
    print('%s events %d | state statement: ms %.3f, WAL B %.0f, WAL records %.2f, buffers hit %.1f an event'
          ' | top 15 statements: ms %.3f, WAL B %.0f an event' % (d, n, float(st[1]) / n, int(st[9]) / n,
          int(st[7]) / n, int(st[3]) / n, sum(float(r[1]) for r in rows) / n, sum(int(r[9]) for r in rows) / n))

import re, sys
# extract.py LOG OUT_SQL: the list statements logged (log_min_duration_statement = 0) -> a psql file of generic-plan EXPLAINs
log=open(sys.argv[1]).read().split('\n')
out=[]; i=0
while i < len(log):
    m=re.search(r'duration: ([\d.]+) ms  execute [^:]*: (.*)', log[i])
    if m and ('customer_facets' in m.group(2) or 'FROM customers WHERE store_id' in m.group(2) or 'segment_members_by_created' in m.group(2)):
        sql=m.group(2); j=i+1
        while j < len(log) and not re.match(r'^\d{4}-', log[j]): sql+='\n'+log[j]; j+=1
        params=log[j].split('parameters: ',1)[1] if j < len(log) and 'DETAIL:  parameters:' in log[j] else ''
        out.append((m.group(1), sql, params))
    i+=1
f=open(sys.argv[2],'w'); f.write("SET plan_cache_mode = force_generic_plan;\n"); n=0; seen=set()
for d,sql,params in out:
    if (sql,params) in seen: continue
    seen.add((sql,params)); n+=1
    ps=re.findall(r"\$(\d+) = (NULL|'(?:[^']|'')*')", params); vals=', '.join(v for _,v in ps)
    f.write("\\echo ==== %d %s\nPREPARE p%d AS %s;\nEXECUTE p%d(%s);\n" % (n, params[:200].replace('\n',' '), n, sql, n, vals))
    for k in range(3): f.write("EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p%d(%s);\n" % (n, vals))
    f.write("DEALLOCATE p%d;\n" % n)
print(n)

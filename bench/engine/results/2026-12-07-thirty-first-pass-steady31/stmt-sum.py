import re,statistics
t=open('/work/steady31-work/stmt-ab.out').read()
res={}
for m in re.finditer(r'K=(\d+) N=(\d+) (\w+)\n(.*?)Execution Time: ([\d.]+) ms', t, re.S):
    res.setdefault((int(m.group(1)),int(m.group(2)),m.group(3)),[]).append(float(m.group(5)))
print("K (mean flips a customer) N (customers) variant: median ms (runs), us a customer")
for k in sorted(res): print(k, round(statistics.median(res[k]),2), sorted(res[k]), round(statistics.median(res[k])*1000/k[1],1))

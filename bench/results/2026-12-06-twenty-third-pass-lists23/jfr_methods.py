import json, sys, collections
ev = json.load(open(sys.argv[1]))["recording"]["events"]
n = len(ev)
selfc, incl = collections.Counter(), collections.Counter()
for e in ev:
    frames = e["values"]["stackTrace"]["frames"]
    names = []
    for f in frames:
        m = f["method"]; names.append(m["type"]["name"].split('.')[-1] + "." + m["name"])
    if names: selfc[names[0]] += 1
    for nm in set(names): incl[nm] += 1
print(n, "samples")
print("top self:")
for k, v in selfc.most_common(15): print(f"  {100*v/n:5.1f}% {k}")
keys = [k for k in incl if any(x in k for x in ("CustomerApi", "ListPage", "CustomerListing", "CustomerRepository", "Json", "RowResultDecoder", "PgDecoder", "encode", "Validat", "Router", "Auth", "ApiKey", "Metrics", "Reply", "Http1xServerConnection.handle", "DataRowDecoder", "Wire", "render", "Cursor", "ObjectMapper"))]
print("inclusive (selected):")
for k in sorted(keys, key=lambda k: -incl[k])[:45]: print(f"  {100*incl[k]/n:5.1f}% {k}")

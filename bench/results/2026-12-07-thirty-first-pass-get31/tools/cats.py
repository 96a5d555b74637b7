#!/usr/bin/env python3
# cats.py rec.json: event-loop CPU samples by what Shoal's cached get does that the ceiling does not (exclusive, first match)
import json, sys, collections
ev = json.load(open(sys.argv[1]))["recording"]["events"]
cats = [
  ("HTTP request metrics (vertx-micrometer, micrometer)", lambda n: any(x.startswith(("io.vertx.micrometer", "io.micrometer")) for x in n)),
  ("store key check (Authentication.cachedStoreCaller: SHA-256, Caffeine, admin compare)", lambda n: any("Authentication.cachedStoreCaller" in x for x in n)),
  ("profile cache lookup (CustomerApi.kept)", lambda n: any("CustomerApi.kept" in x for x in n)),
  ("CachedGet's own checks and putHeader", lambda n: any("CachedGet.answered" in x for x in n) and not any("Http1xServerResponse.end" in x for x in n)),
  ("compressor and chunked writer handlers (self)", lambda n: n[0].startswith(("io.netty.handler.codec.http.HttpContentEncoder", "io.netty.handler.codec.http.HttpContentCompressor", "io.vertx.core.http.impl.HttpChunkContentCompressor", "io.netty.handler.stream.ChunkedWriteHandler"))),
  ("vertx-web router (ceiling only)", lambda n: any(x.startswith("io.vertx.ext.web") for x in n)),
]
c = collections.Counter(); tot = 0
for e in ev:
    v = e["values"]
    t = (v.get("sampledThread") or {}).get("javaName") or "?"
    if not t.startswith("vert.x-eventloop"): continue
    fr = (v.get("stackTrace") or {}).get("frames") or []
    if not fr: continue
    tot += 1
    n = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in fr]
    for name, f in cats:
        if f(n): c[name] += 1; break
    else: c["the rest (Netty, Vert.x HTTP: decode, response, write, flush)"] += 1
print(f"{tot} event-loop samples")
for k, v in c.most_common(): print(f"{100*v/tot:5.1f}%  {k}")

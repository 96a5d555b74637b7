-- wrk script for the ingest benchmark (bench/engine/run.sh runs it):
--   wrk -t2 -c64 -d30s -s bench/engine/ingest.lua http://127.0.0.1:PORT -- MODE STORE_ID API_KEY CUSTOMERS MIX [BATCH]
-- MODE   single: POST /v1/stores/{store}/events, one event per request
--        batch:  POST /v1/stores/{store}/events/batch, BATCH events per request (default 1000)
-- MIX    event types and weights, e.g. "page.viewed:50,cart.updated:20,order.completed:30"
-- Every event names one of the CUSTOMERS seeded customers (Seed.java), at random: by external_id
-- (ext%07d) three times in four, by email (c%07d@bench.example) otherwise. Order and cart ids are
-- unique per run, thread and request.
-- done() prints one line that run.sh parses:
--   RESULT requests=N events=E duration_s=S rps=R eps=X p50_ms=A p99_ms=B max_ms=C non2xx=D rejected=F sockerr=G

local mode, store, key, customers, batch
local types, weights, total_weight = {}, {}, 0
local counter = 0
local token = ""
-- globals, so that done() can read them from each thread
accepted, rejected, bad_status = 0, 0, 0

local threads = {}
function setup(thread)
  thread:set("thread_no", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  mode, store, key = args[1], args[2], args[3]
  customers = tonumber(args[4])
  batch = tonumber(args[6] or "1000")
  for t, w in string.gmatch(args[5], "([%w%._]+):(%d+)") do
    types[#types + 1] = t
    total_weight = total_weight + tonumber(w)
    weights[#weights + 1] = total_weight
  end
  local tn = tonumber(wrk.thread:get("thread_no")) or 0
  math.randomseed(os.time() * 1000 + tn)
  token = string.format("%x%04x%d", os.time(), math.random(0, 65535), tn)
  wrk.headers["Authorization"] = "Bearer " .. key
  wrk.headers["Content-Type"] = "application/json"
  if mode == "single" then
    wrk.path = "/v1/stores/" .. store .. "/events"
  else
    wrk.path = "/v1/stores/" .. store .. "/events/batch"
  end
  wrk.method = "POST"
end

local function customer()
  local i = math.random(0, customers - 1)
  if math.random(4) == 1 then
    return string.format('{"email":"c%07d@bench.example"}', i)
  end
  return string.format('{"external_id":"ext%07d"}', i)
end

local function event()
  counter = counter + 1
  local r = math.random() * total_weight
  local t = types[#types]
  for k = 1, #weights do
    if r < weights[k] then t = types[k]; break end
  end
  local p = math.random(0, 499)
  if t == "order.completed" then
    local price = math.random(500, 20000) / 100
    return string.format('{"type":"order.completed","customer":%s,"data":{"order_id":"w%s-%d","total":%.2f,'
      .. '"currency":"USD","items":[{"product_id":"p%d","category_id":"cat%d","quantity":1,"price":%.2f}]}}',
      customer(), token, counter, price, p, p % 40, price)
  elseif t == "cart.updated" then
    local price = math.random(500, 20000) / 100
    return string.format('{"type":"cart.updated","customer":%s,"data":{"cart_id":"k%s-%d","total":%.2f,'
      .. '"items":[{"product_id":"p%d","quantity":1,"price":%.2f}]}}', customer(), token, counter, price, p, price)
  else
    return string.format('{"type":"%s","customer":%s,"data":{"url":"/products/p%d"}}', t, customer(), p)
  end
end

function request()
  if mode == "single" then
    return wrk.format(nil, nil, nil, event())
  end
  local parts = {}
  for k = 1, batch do
    parts[k] = event()
  end
  return wrk.format(nil, nil, nil, '{"events":[' .. table.concat(parts, ",") .. ']}')
end

function response(status, headers, body)
  if status ~= 202 then
    bad_status = bad_status + 1
    return
  end
  if mode == "single" then
    accepted = accepted + 1
  else
    local a = tonumber(string.match(body, '"accepted":(%d+)')) or 0
    local d = tonumber(string.match(body, '"duplicates":(%d+)')) or 0
    accepted = accepted + a + d
    rejected = rejected + (tonumber(string.match(body, '"rejected":(%d+)')) or 0)
  end
end

function done(summary, latency, requests)
  local acc, rej, bad = 0, 0, 0
  for _, t in ipairs(threads) do
    acc = acc + (tonumber(t:get("accepted")) or 0)
    rej = rej + (tonumber(t:get("rejected")) or 0)
    bad = bad + (tonumber(t:get("bad_status")) or 0)
  end
  local s = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("RESULT requests=%d events=%d duration_s=%.2f rps=%.1f eps=%.1f p50_ms=%.2f p99_ms=%.2f"
    .. " max_ms=%.2f non2xx=%d rejected=%d sockerr=%d\n",
    summary.requests, acc, s, summary.requests / s, acc / s, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, bad, rej, e.connect + e.read + e.write + e.timeout))
end

-- wrk script for the Shoal benchmark. Usage (see bench/run.sh):
--   wrk -t2 -c64 -d20s -s bench/wrk/shoal.lua http://127.0.0.1:PORT -- MODE STORE_ID API_KEY [FILE]
-- MODE:
--   ceiling  GET /ceiling (the bare Vert.x route of CeilingServer.java)
--   get      GET /v1/stores/{store}/customers/{id}, id drawn at random from FILE (one id a line)
--   search   GET /v1/stores/{store}/customers?search=TERM, TERM drawn at random from FILE
--   list     GET /v1/stores/{store}/customers?QUERY, QUERY (already URL-encoded) drawn at random from FILE
--   create   POST /v1/stores/{store}/customers with a new, unique email on every request
--   create_short  the same with emails of a usual length ('lkowalski57.k3f9a@gmail.com', 27
--            characters; create's are ~50, which matters where each position of an email costs)
-- done() prints one line that run.sh parses:
--   RESULT requests=N duration_s=S rps=R p50_ms=A p90_ms=B p99_ms=C max_ms=D non2xx=E sockerr=F timeouts=G

local mode, store, key, file
local items = {}
local counter = 0
local token = ""
local short_token = ""

local first_names = {"John", "Mary", "James", "Linda", "Robert", "Emma", "Lukas", "Sofia", "Wei", "Priya",
                     "Carlos", "Chloe", "Ivan", "Aisha", "Hiroshi", "Giulia"}
local last_names = {"Smith", "Garcia", "Nguyen", "Mueller", "Rossi", "Kowalski", "Patel", "Tanaka",
                    "Johnson", "Dubois", "Andersen", "Silva", "Kim", "O'Brien", "Brown", "Lopez"}

local thread_no = 0
function setup(thread)
  thread_no = thread_no + 1
  thread:set("thread_no", thread_no)
end

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  mode, store, key, file = args[1], args[2], args[3], args[4]
  if mode == nil then
    error("usage: ... -- MODE STORE_ID API_KEY [FILE]")
  end
  local tn = tonumber(wrk.thread:get("thread_no")) or 0
  math.randomseed(os.time() * 100 + tn)
  -- unique per run and thread: seconds since epoch, a random number, the thread number
  token = string.format("%d%04d%d", os.time(), math.random(0, 9999), tn)
  if file ~= nil and file ~= "" then
    for line in io.lines(file) do
      if line ~= "" then
        items[#items + 1] = line
      end
    end
    if #items == 0 then
      error("no lines in " .. file)
    end
  end
  wrk.headers["Authorization"] = "Bearer " .. (key or "")
  wrk.headers["Accept"] = "application/json"
  if mode == "create" or mode == "create_short" then
    wrk.headers["Content-Type"] = "application/json"
  end
  -- the run token in 5 base-36 digits, for the short emails
  local n, digits = (os.time() * 10 + tn) % 60466176, "0123456789abcdefghijklmnopqrstuvwxyz"
  short_token = ""
  for _ = 1, 5 do
    local d = n % 36
    short_token = digits:sub(d + 1, d + 1) .. short_token
    n = math.floor(n / 36)
  end
end

function request()
  if mode == "ceiling" then
    return wrk.format("GET", "/ceiling")
  elseif mode == "get" then
    local id = items[math.random(#items)]
    return wrk.format("GET", "/v1/stores/" .. store .. "/customers/" .. id)
  elseif mode == "search" then
    local term = items[math.random(#items)]
    return wrk.format("GET", "/v1/stores/" .. store .. "/customers?search=" .. urlencode(term))
  elseif mode == "list" then
    local q = items[math.random(#items)]
    return wrk.format("GET", "/v1/stores/" .. store .. "/customers?" .. q)
  elseif mode == "create" or mode == "create_short" then
    counter = counter + 1
    local f = first_names[math.random(#first_names)]
    local l = last_names[math.random(#last_names)]
    local local_part = string.lower(f .. "." .. l:gsub("'", "")) .. "." .. token .. "." .. counter
    local domain = "bench-create.example"
    if mode == "create_short" then
      local_part = string.lower(f:sub(1, 1) .. l:gsub("'", "")) .. counter .. "." .. short_token
      domain = "gmail.com"
    end
    local body = string.format(
      '{"email":"%s@%s","first_name":"%s","last_name":"%s","phone":"+1415%07d",' ..
      '"timezone":"America/New_York","tags":["newsletter"],"metadata":{"source":"web"},"email_consent":true}',
      local_part, domain, f, l, math.random(0, 9999999))
    return wrk.format("POST", "/v1/stores/" .. store .. "/customers", nil, body)
  end
  error("unknown mode " .. tostring(mode))
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d sockerr=%d timeouts=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, e.connect + e.read + e.write, e.timeout))
end

-- timed.lua: per-request log for wrk run with one connection per thread (-tN -cN): each request's
-- query (line number of FILE), start (ms since epoch) and latency (us), one file per thread:
--   wrk -t8 -c8 -d10s -s timed.lua URL -- MODE STORE KEY FILE OUTPREFIX
-- MODE list|search as bench/wrk/shoal.lua. request() is called right before each write of the
-- connection (wrk.c socket_writeable) and response() when its answer is complete, so with one
-- connection a thread they pair.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } timespec_t;
int clock_gettime(int clk, timespec_t *tp);
]]
local ts = ffi.new("timespec_t")
local function now_us() ffi.C.clock_gettime(0, ts); return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000 end

local thread_no = 0
function setup(thread) thread_no = thread_no + 1; thread:set("thread_no", thread_no) end

local mode, store, key, file, prefix
local items = {}
local out, n, cur, t0 = nil, 0, 0, 0
local function urlencode(s) return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end)) end

function init(args)
  mode, store, key, file, prefix = args[1], args[2], args[3], args[4], args[5]
  local tn = tonumber(wrk.thread:get("thread_no")) or 0
  math.randomseed(os.time() * 100 + tn)
  for line in io.lines(file) do if line ~= "" then items[#items + 1] = line end end
  wrk.headers["Authorization"] = "Bearer " .. key
  wrk.headers["Accept"] = "application/json"
  out = io.open(prefix .. "-" .. tn .. ".tsv", "w")
end

function request()
  cur = math.random(#items)
  t0 = now_us()
  if mode == "search" then
    return wrk.format("GET", "/v1/stores/" .. store .. "/customers?search=" .. urlencode(items[cur]))
  end
  return wrk.format("GET", "/v1/stores/" .. store .. "/customers?" .. items[cur])
end

function response(status, headers, body)
  local t1 = now_us()
  out:write(string.format("%d\t%.3f\t%d\t%d\n", cur, t0 / 1000, math.floor(t1 - t0), status))
  n = n + 1
  if n % 200 == 0 then out:flush() end
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d sockerr=%d timeouts=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.timeout))
end

-- wrk script: every request is a new shopper adding 1 unit of a random SKU (from $SKUS_FILE) over
-- the JSON cart API; wrk keeps no cookies, so each request starts a cart of its own.
local skus = {}
for line in io.lines(os.getenv("SKUS_FILE")) do
  if line ~= "" then skus[#skus + 1] = line end
end

local counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  math.randomseed(os.time() + (id or 0) * 7919)
end

function request()
  local body = string.format('{"sku":"%s","quantity":1}', skus[math.random(#skus)])
  return wrk.format("POST", "/api/cart/lines", { ["Content-Type"] = "application/json" }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end

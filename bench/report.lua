-- wrk script: requests paths from $URLS_FILE in random order (or wrk's URL when unset) and
-- prints one machine-readable line with throughput and latency percentiles.
-- With $ADD_SKUS_FILE it adds to cart instead: every request is a new shopper (wrk keeps no
-- cookies) posting 1 unit of a random SKU of that file to /api/cart/lines.
local function read_lines(file)
  local lines = {}
  if file and file ~= "" then
    for line in io.lines(file) do
      if line ~= "" then lines[#lines + 1] = line end
    end
  end
  return lines
end
local paths = read_lines(os.getenv("URLS_FILE"))
local skus = read_lines(os.getenv("ADD_SKUS_FILE"))

local counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  math.randomseed(os.time() + (id or 0) * 7919)
end

function request()
  if #skus > 0 then
    local body = string.format('{"sku":"%s","quantity":1}', skus[math.random(#skus)])
    return wrk.format("POST", "/api/cart/lines", { ["Content-Type"] = "application/json" }, body)
  end
  if #paths == 0 then return wrk.format("GET") end
  return wrk.format("GET", paths[math.random(#paths)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end

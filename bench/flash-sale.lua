-- wrk script of bench/flash-sale.sh: simulated shoppers of one flash sale, or the references
-- measured the same way. Run with one connection per thread (wrk -tN -cN, THREADS=N), so each
-- thread's response() answers the request() it made just before: that is what lets this script
-- time every request by kind (wrk's own latency statistics do not tell kinds apart).
--
-- MODE=sale (default): each thread owns SHOPPERS/THREADS shoppers, each with its own random
-- storefront.visitor key, and picks every request in this order:
--   1. a shopper whose last status said "admitted" tries to buy (POST .../purchase);
--   2. a shopper who has just loaded the page joins the line (POST .../join, keeps the pass);
--   3. otherwise, at random: with P_ARRIVE (while some have not come yet) a new shopper loads the
--      sale page without cookies; with P_RELOAD a shopper who came reloads it (with the visitor and
--      pass cookies); with P_EARLY_BUY a shopper in line tries to buy before being let in; else the
--      next shopper in line (round robin) polls its status (GET .../status with X-Sale-Pass).
-- Shoppers never wait for the pollAfter the server gives: a thread goes round its shoppers as fast
-- as the answers come back, so each polls every SHOPPERS / (status polls per second) seconds.
-- Everyone keeps polling after buying and after the sale is sold out.
-- MODE=empty: GET EMPTY_PATH (/health/live). MODE=naive: POST /purchase/$NAIVE_SKU with the same
-- JSON body as a sale purchase.
--
-- Every thread stops after its share of REQUESTS; the last one to finish ends wrk (SIGINT), so the
-- run is a number of requests, not a duration (give wrk a -d longer than the run).
-- The load tool shares the cores with the store, so the script does as little as it can per
-- request: each shopper's requests are formatted once and kept, the statistics are kept under
-- number keys (no string built per response), and an answer's body is read only when it can
-- change what the shopper does next.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *tp);
unsigned long pthread_self(void);
int pthread_kill(unsigned long thread, int sig);
void *malloc(size_t size);
]]
local timespec = ffi.new("bench_timespec")
local function clock_us(clock)
  ffi.C.clock_gettime(clock, timespec)
  return tonumber(timespec.tv_sec) * 1e6 + tonumber(timespec.tv_nsec) / 1e3
end
local function now_us() return clock_us(1) end -- CLOCK_MONOTONIC: one clock for every thread

local function env(name, default)
  local value = os.getenv(name)
  if value == nil or value == "" then return default end
  return value
end

local MODE = env("MODE", "sale")
local THREADS = tonumber(env("THREADS", "1"))
local REQUESTS = tonumber(env("REQUESTS", "1000000"))
local SHOPPERS = tonumber(env("SHOPPERS", "20000"))
local SLUG = env("SALE_SLUG", "")
local SALE_ID = env("SALE_ID", "")
local P_ARRIVE = tonumber(env("P_ARRIVE", "0.08"))
local P_RELOAD = tonumber(env("P_RELOAD", "0.02"))
local P_EARLY_BUY = tonumber(env("P_EARLY_BUY", "0.005"))
local EMPTY_PATH = env("EMPTY_PATH", "/health/live")
local NAIVE_SKU = env("NAIVE_SKU", "")

local PURCHASE_BODY = '{"name":"Ada","line1":"1 Main St","city":"Springfield","region":"CA","postalCode":"90210","country":"US","email":"ada@example.com","card":"4242424242424242"}'
local PAGE = "/sale/" .. SLUG
local API = "/api/sales/" .. SLUG
local PASS_COOKIE = "storefront.sale." .. SALE_ID

-- Shared by the threads (one process): a "finished" flag per thread, so the last one can end wrk,
-- by signalling wrk's main thread (setup runs on it), which then stops sleeping and reports.
local finished_flags = nil
local main_thread = nil
local thread_count = 0
local threads = {}

function setup(thread)
  if finished_flags == nil then
    finished_flags = ffi.cast("int *", ffi.C.malloc(4 * (THREADS + 1)))
    for i = 0, THREADS do finished_flags[i] = 0 end
    main_thread = tonumber(ffi.C.pthread_self())
  end
  thread_count = thread_count + 1
  thread:set("id", thread_count)
  thread:set("flags_address", tonumber(ffi.cast("intptr_t", finished_flags)))
  thread:set("main_thread_id", main_thread)
  threads[#threads + 1] = thread
end

-- Kinds and phases by number, so that no string is built per response.
local KINDS = { "page", "join", "status", "purchase", "empty", "naive purchase" }
local PAGE_K, JOIN_K, STATUS_K, PURCHASE_K, EMPTY_K, NAIVE_K = 1, 2, 3, 4, 5, 6
local PHASES = { "pre-queue", "live", "sold-out", "all" }
local PRE_QUEUE, LIVE, SOLD_OUT, ALL = 1, 2, 3, 4
local BINS = 4096 -- latency bins per kind and phase (ln of 10 s in us is 16.1: bin 1,612)

-- Per thread (globals, so that done() can read them with thread:get, which copies flat tables
-- only: wrk 4.1 crashes copying a table inside a table).
quota = 0
made = 0
first_us = 0
last_us = 0
hist = {}        -- (kind * 8 + phase) * BINS + bin -> responses; bin = floor(100 * ln(latency in us)), 1 % wide
codes = {}       -- kind * 1000 + status -> responses
slowest = {}     -- kind -> the longest latency in us
phase_count = {} -- phase -> responses while this thread saw the sale in that phase
phase_first = {} -- phase -> when the first of them was sent (us)
phase_last = {}  -- phase -> when the last of them was answered (us)
lost = 0         -- requests that got no response (the connection failed)
sold = 0
phase = MODE == "sale" and PRE_QUEUE or ALL

local flags
local key, pass, state = {}, {}, {}
local status_req, reload_req = {}, {} -- each shopper's requests, formatted once
local my_shoppers, arrived = 0, 0
local in_line = {}   -- shoppers holding a pass, polled round robin
local next_poll = 1
local to_join, to_buy = {}, {}
local cur_kind, cur_pick, cur_shopper, cur_start, waiting_answer = nil, nil, nil, 0, false

local function hex_key()
  local parts = {}
  for i = 1, 8 do parts[i] = string.format("%04x", math.random(0, 65535)) end
  return table.concat(parts)
end

function init(args)
  math.randomseed(os.time() + id * 7919)
  flags = ffi.cast("int *", ffi.cast("intptr_t", flags_address))
  quota = math.floor(REQUESTS / THREADS) + ((id <= REQUESTS % THREADS) and 1 or 0)
  if MODE == "sale" then
    my_shoppers = math.floor(SHOPPERS / THREADS) + ((id <= SHOPPERS % THREADS) and 1 or 0)
    for i = 1, my_shoppers do
      key[i] = hex_key()
      state[i] = "new"
    end
  end
end

local function visitor(i) return "storefront.visitor=" .. key[i] end
local arrive_req, empty_req, naive_req

local function pick()
  if #to_buy > 0 then return "purchase", table.remove(to_buy, 1) end
  if #to_join > 0 then return "join", table.remove(to_join, 1) end
  local coming = arrived < my_shoppers
  if #in_line == 0 then
    if coming then
      arrived = arrived + 1
      return "arrive", arrived
    end
    return "reload", math.random(arrived)
  end
  local r = math.random()
  if r < P_ARRIVE then
    if coming then
      arrived = arrived + 1
      return "arrive", arrived
    end
  elseif r < P_ARRIVE + P_RELOAD then
    return "reload", math.random(arrived)
  elseif r < P_ARRIVE + P_RELOAD + P_EARLY_BUY then
    return "early-buy", in_line[math.random(#in_line)]
  end
  local i = in_line[next_poll]
  next_poll = next_poll % #in_line + 1
  return "status", i
end

function request()
  local now = now_us()
  if waiting_answer then
    -- No answer came to the last request: wrk calls request() once before the run to check the
    -- script (never sent), or the connection failed. The shopper's step is taken again.
    if made > 0 and made < quota then lost = lost + 1 end
    if cur_pick == "arrive" then arrived = arrived - 1 end
    if cur_pick == "join" then table.insert(to_join, 1, cur_shopper) end
    if cur_pick == "purchase" then table.insert(to_buy, 1, cur_shopper) end
  end
  if made == 0 then first_us = now end
  waiting_answer = true
  cur_start = now
  if MODE == "empty" then
    cur_kind = EMPTY_K
    empty_req = empty_req or wrk.format("GET", EMPTY_PATH)
    return empty_req
  end
  if MODE == "naive" then
    cur_kind = NAIVE_K
    naive_req = naive_req or wrk.format("POST", "/purchase/" .. NAIVE_SKU, { ["Content-Type"] = "application/json" }, PURCHASE_BODY)
    return naive_req
  end
  local kind, i = pick()
  cur_pick, cur_shopper = kind, i
  if kind == "status" then
    cur_kind = STATUS_K
    local r = status_req[i]
    if r == nil then
      r = wrk.format("GET", API .. "/status", { ["X-Sale-Pass"] = pass[i], ["Cookie"] = visitor(i) })
      status_req[i] = r
    end
    return r
  elseif kind == "arrive" then
    cur_kind = PAGE_K
    arrive_req = arrive_req or wrk.format("GET", PAGE, { ["Accept"] = "text/html" })
    return arrive_req
  elseif kind == "reload" then
    cur_kind = PAGE_K
    local r = reload_req[i]
    if r == nil then
      local cookie = visitor(i)
      if pass[i] then cookie = cookie .. "; " .. PASS_COOKIE .. "=" .. pass[i] end
      r = wrk.format("GET", PAGE, { ["Accept"] = "text/html", ["Cookie"] = cookie })
      reload_req[i] = r
    end
    return r
  elseif kind == "join" then
    cur_kind = JOIN_K
    return wrk.format("POST", API .. "/join", { ["Content-Type"] = "application/json", ["Cookie"] = visitor(i) }, "{}")
  else -- purchase, early-buy
    cur_kind = PURCHASE_K
    return wrk.format("POST", API .. "/purchase",
      { ["Content-Type"] = "application/json", ["X-Sale-Pass"] = pass[i], ["Cookie"] = visitor(i) }, PURCHASE_BODY)
  end
end

local function advance_phase(to)
  if to > phase then phase = to end
end

-- What a shopper's answer tells the simulation (and which phase of the sale this thread is in).
local function observe(status, body)
  local i = cur_shopper
  local kind = cur_kind
  if kind == STATUS_K and phase == SOLD_OUT then
    return -- nothing a status says once the sale is sold out changes what this thread does
  end
  if kind == PAGE_K and state[i] == "new" then
    state[i] = "came"
    table.insert(to_join, i)
  elseif kind == JOIN_K then
    if status == 200 then
      pass[i] = body:match('"pass":"([^"]+)"')
      reload_req[i] = nil -- its reloads now carry the pass cookie
      state[i] = "in line"
      in_line[#in_line + 1] = i
    else
      state[i] = "turned away" -- sold out before they joined: they only reload the page
    end
  elseif kind == PURCHASE_K then
    if status == 200 then
      state[i] = "bought"
      sold = sold + 1
    elseif state[i] == "admitted" then
      state[i] = "in line"
    end
  end
  if (kind == STATUS_K or kind == JOIN_K) and status == 200 then
    local s = body:match('"state":"([%a-]+)"')
    if s == "sold-out" then
      advance_phase(SOLD_OUT)
    elseif s and s ~= "pre-queue" then
      advance_phase(LIVE)
      if s == "admitted" and state[i] == "in line" then
        state[i] = "admitted"
        table.insert(to_buy, i)
      end
    end
  end
end

function response(status, headers, body)
  local now = now_us()
  waiting_answer = false
  local kind = cur_kind
  local us = now - cur_start
  local bin = (kind * 8 + phase) * BINS + math.min(BINS - 1, math.floor(100 * math.log(math.max(us, 1))))
  hist[bin] = (hist[bin] or 0) + 1
  local code = kind * 1000 + status
  codes[code] = (codes[code] or 0) + 1
  if us > (slowest[kind] or 0) then slowest[kind] = us end
  if phase_count[phase] == nil then
    phase_count[phase] = 0
    phase_first[phase] = cur_start
  end
  phase_count[phase] = phase_count[phase] + 1
  phase_last[phase] = now
  if MODE == "sale" then observe(status, body) end
  made = made + 1
  last_us = now
  if made >= quota then
    flags[id] = 1
    local all = true
    for t = 1, THREADS do
      if flags[t] ~= 1 then all = false break end
    end
    wrk.thread:stop()
    if all then ffi.C.pthread_kill(main_thread_id, 2) end -- SIGINT: wrk stops waiting and reports
  end
end

-- Histograms: bin -> count. The percentile is the bin's middle (within 0.5 % of the true value).
local function add(h, bin, n) h[bin] = (h[bin] or 0) + n end

local function count_of(h)
  local n = 0
  for _, c in pairs(h) do n = n + c end
  return n
end

local function percentile(h, q)
  local bins = {}
  for bin in pairs(h) do bins[#bins + 1] = bin end
  table.sort(bins)
  local target, seen = math.max(1, math.ceil(q * count_of(h))), 0
  for _, bin in ipairs(bins) do
    seen = seen + h[bin]
    if seen >= target then return math.exp((bin + 0.5) / 100) end
  end
  return 0
end

local function ms(us) return us / 1000 end

function done(summary, latency, requests)
  local all, by_kind, by_kind_phase, code_totals, maxes = {}, {}, {}, {}, {}
  local phases = {} -- phase -> { count, first, last }
  local first, last, total_lost, total_sold = math.huge, 0, 0, 0
  for _, t in ipairs(threads) do
    local f, l = t:get("first_us"), t:get("last_us")
    if f > 0 and f < first then first = f end
    if l > last then last = l end
    total_lost = total_lost + t:get("lost")
    total_sold = total_sold + t:get("sold")
    for key, n in pairs(t:get("hist")) do
      local bin = key % BINS
      local kind_phase = (key - bin) / BINS
      local kind, name = KINDS[math.floor(kind_phase / 8)], PHASES[kind_phase % 8]
      by_kind[kind] = by_kind[kind] or {}
      by_kind_phase[kind .. "|" .. name] = by_kind_phase[kind .. "|" .. name] or {}
      add(all, bin, n)
      add(by_kind[kind], bin, n)
      add(by_kind_phase[kind .. "|" .. name], bin, n)
    end
    for key, n in pairs(t:get("codes")) do add(code_totals, KINDS[math.floor(key / 1000)] .. "|" .. (key % 1000), n) end
    for k, us in pairs(t:get("slowest")) do
      local kind = KINDS[k]
      if us > (maxes[kind] or 0) then maxes[kind] = us end
    end
    local counts, firsts, lasts = t:get("phase_count"), t:get("phase_first"), t:get("phase_last")
    for p, n in pairs(counts) do
      local name = PHASES[p]
      local seen = phases[name]
      if seen == nil then
        phases[name] = { n, firsts[p], lasts[p] }
      else
        seen[1] = seen[1] + n
        if firsts[p] < seen[2] then seen[2] = firsts[p] end
        if lasts[p] > seen[3] then seen[3] = lasts[p] end
      end
    end
  end
  local total = count_of(all)
  local seconds = (last - first) / 1e6
  local server_errors, non2xx, slowest_all = 0, 0, 0
  local function code_list(kind)
    local statuses, out = {}, {}
    for key, n in pairs(code_totals) do
      local k, status = key:match("^(.+)|(%d+)$")
      if k == kind then statuses[#statuses + 1] = tonumber(status) end
    end
    table.sort(statuses)
    for _, status in ipairs(statuses) do
      local n = code_totals[kind .. "|" .. status]
      out[#out + 1] = status .. ":" .. n
      if status >= 500 then server_errors = server_errors + n end
      if status < 200 or status > 299 then non2xx = non2xx + n end
    end
    return table.concat(out, ",")
  end
  local kinds = {}
  for kind in pairs(by_kind) do kinds[#kinds + 1] = kind end
  table.sort(kinds)
  local lines = {}
  for _, kind in ipairs(kinds) do
    local h, n = by_kind[kind], count_of(by_kind[kind])
    if maxes[kind] > slowest_all then slowest_all = maxes[kind] end
    lines[#lines + 1] = string.format("KIND kind=%s requests=%d share_pct=%.2f rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f codes=%s",
      kind:gsub(" ", "_"), n, 100 * n / math.max(1, total), n / math.max(seconds, 1e-9),
      ms(percentile(h, 0.5)), ms(percentile(h, 0.99)), ms(maxes[kind]), code_list(kind))
  end
  local buckets = {}
  for bucket in pairs(by_kind_phase) do buckets[#buckets + 1] = bucket end
  table.sort(buckets)
  for _, bucket in ipairs(buckets) do
    local h = by_kind_phase[bucket]
    local kind, name = bucket:match("^([^|]+)|(.+)$")
    lines[#lines + 1] = string.format("KIND_PHASE kind=%s phase=%s requests=%d p50_ms=%.2f p99_ms=%.2f",
      kind:gsub(" ", "_"), name, count_of(h), ms(percentile(h, 0.5)), ms(percentile(h, 0.99)))
  end
  if MODE == "sale" then
    for _, name in ipairs({ "pre-queue", "live", "sold-out" }) do
      local p = phases[name]
      if p then
        local span = (p[3] - p[2]) / 1e6
        -- The phase's bounds on the wall clock too, to match the CPU samples of bench/flash-sale.sh.
        local to_epoch = (clock_us(0) - now_us()) / 1e6
        lines[#lines + 1] = string.format("PHASE phase=%s requests=%d seconds=%.1f rps=%.0f from=%.2f to=%.2f",
          name, p[1], span, p[1] / math.max(span, 1e-9), p[2] / 1e6 + to_epoch, p[3] / 1e6 + to_epoch)
      end
    end
  end
  local e = summary.errors
  io.write(string.format("RESULT mode=%s requests=%d seconds=%.2f rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d server_errors=%d socket_errors=%d lost=%d sold=%d\n",
    MODE, total, seconds, total / math.max(seconds, 1e-9), ms(percentile(all, 0.5)), ms(percentile(all, 0.99)), ms(slowest_all),
    non2xx, server_errors, e.connect + e.read + e.write + e.timeout, total_lost, total_sold))
  for _, line in ipairs(lines) do io.write(line, "\n") end
end

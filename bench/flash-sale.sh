#!/usr/bin/env bash
# A flash sale under load: REQUESTS (1,000,000) HTTP requests of simulated shoppers (sale page
# loads, joins, status polls, purchase attempts; bench/flash-sale.lua says how they are mixed) for
# UNITS (1,000) units, against the published app with its private PostgreSQL and Redis. Then, in
# the same run and with the same load tool and connections:
#   - the empty endpoint of the store (/health/live), the ceiling;
#   - the naive way (bench/Storefront.NaiveSale: every purchase attempt one conditional UPDATE of a
#     stock row), the same number of attempts on the same 1,000 units, and for NAIVE_SECONDS with
#     stock that never runs out (every attempt takes the row lock, as while units last).
# After the sale: the order jobs are waited for, orders are counted in PostgreSQL and the sale's
# reconciliation (claimed in Redis = orders = stock committed) is printed.
# Environment: REQUESTS (1000000), UNITS (1000), SHOPPERS (20000), CONNECTIONS (16: wrk threads,
# one connection each), ADMIT_PER_MINUTE (3000), START_AFTER (10: seconds from creating the sale to
# its start), WINDOW_MINUTES (2), WARMUP_REQUESTS (300000), NAIVE_SECONDS (20), P_ARRIVE, P_RELOAD,
# P_EARLY_BUY (see flash-sale.lua), QUIET_WAIT (1800: seconds to wait for other builds and tests to
# end before each measurement), PORT (5093), NAIVE_PORT (5094).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
source bench/lib.sh

PRODUCTS=2400
REQUESTS="${REQUESTS:-1000000}"
UNITS="${UNITS:-1000}"
SHOPPERS="${SHOPPERS:-20000}"
CONNECTIONS="${CONNECTIONS:-16}"
ADMIT_PER_MINUTE="${ADMIT_PER_MINUTE:-3000}"
START_AFTER="${START_AFTER:-10}"
WINDOW_MINUTES="${WINDOW_MINUTES:-2}"
WARMUP_REQUESTS="${WARMUP_REQUESTS:-300000}"
NAIVE_SECONDS="${NAIVE_SECONDS:-20}"
PORT="${PORT:-5093}"
NAIVE_PORT="${NAIVE_PORT:-5094}"

# All the simulated shoppers come from one address, the loopback: the sale's per-address limits
# (60 writes and 600 polls a minute by default) are lifted for the run, like the others in bench_prepare.
export RateLimits__SaleWrites__PermitLimit=1000000 RateLimits__SaleStatus__PermitLimit=1000000
bench_prepare "$ROOT/.data/bench-flash" 5585 6585
bench_seed_catalog "$PRODUCTS"
(cd "$DATA/app" && dotnet Storefront.Web.dll migrate) >/dev/null
log "Building the sale tool and the naive reference"
dotnet build bench/Storefront.FlashSaleBench -c Release -nologo -v quiet >/dev/null
dotnet build bench/Storefront.NaiveSale -c Release -nologo -v quiet >/dev/null
TOOL=(dotnet bench/Storefront.FlashSaleBench/bin/Release/net10.0/Storefront.FlashSaleBench.dll)

NAIVE=""
SAMPLER=""
flash_cleanup() {
  [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null || true
  [ -n "$NAIVE" ] && kill "$NAIVE" 2>/dev/null || true
  # The app stops its Hangfire server gracefully (a few seconds): let it, before PostgreSQL goes.
  if [ -n "${APP:-}" ] && kill "$APP" 2>/dev/null; then
    for _ in $(seq 1 60); do kill -0 "$APP" 2>/dev/null || break; sleep 0.5; done
  fi
  bench_cleanup
}
trap flash_cleanup EXIT
# An interrupt ends the script (wrk exits cleanly on Ctrl+C, which alone would let the script go on).
trap 'exit 130' INT TERM

bench_start_app "$PORT"
(exec dotnet bench/Storefront.NaiveSale/bin/Release/net10.0/Storefront.NaiveSale.dll --urls "http://127.0.0.1:$NAIVE_PORT") > "$DATA/naive.log" 2>&1 &
NAIVE=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$NAIVE_PORT/health/live" >/dev/null && break; sleep 0.5; done
BASE="http://127.0.0.1:$PORT"
RESULTS="$OUT/flash-sale.txt"
RUN_AT="$(date -u +%FT%TZ)"
# Each run's raw wrk output, CPU samples and timings are kept beside the results file.
RAW="$OUT/flash-sale-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RAW"

# CPU time (clock ticks) of the app, Redis, PostgreSQL (the postmaster and its backends) and the naive app.
PG_PID="$(head -n 1 "$(pg_dir_for "$DATA")/postmaster.pid")"
REDIS_PID="$(cat "$DATA/redis/redis.pid")"
ticks() {
  local sum=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] && sum=$((sum + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
  done
  echo "$sum"
}
# PostgreSQL's backends come and go (autovacuum workers, pool connections): the postmaster's own
# count of its ended children's time keeps the sum from dropping when one ends.
pg_ticks() {
  local own
  own="$(awk '{ print $16 + $17 }' "/proc/$PG_PID/stat" 2>/dev/null || echo 0)"
  echo $((own + $(ticks "$PG_PID" $(pgrep -P "$PG_PID" || true))))
}
cpu_snapshot() {
  echo "$(ticks "$APP") $(ticks "$REDIS_PID") $(pg_ticks) $(ticks "$NAIVE")"
}

# Other developers share the two cores: no figure is taken while a build or a test run is going.
BUSY=""
wait_quiet() {
  local waited=0
  while pgrep -f "dotnet (test|build)|testhost" >/dev/null; do
    [ "$waited" = 0 ] && log "Waiting for other builds and tests to end: $(pgrep -af "dotnet (test|build)|testhost" | head -n 2 | tr '\n' ' ')"
    if [ "$waited" -ge "${QUIET_WAIT:-1800}" ]; then
      log "Still busy after ${waited}s: measuring anyway (marked busy)"
      BUSY=" BUSY"
      return
    fi
    sleep 10
    waited=$((waited + 10))
  done
}

# Twice a second during a run: the wall clock and the CPU ticks of the app, Redis, PostgreSQL, the
# naive app and wrk (the script's own child), so that each phase of the sale gets its own CPU split.
sample_cpu() {
  while :; do
    echo "$(date +%s.%N) $(cpu_snapshot) $(ticks $(pgrep -P $$ -x wrk || true))"
    sleep 0.5
  done
}

# CPU split of each sale phase (PHASE lines with from= and to=) from the samples in $1.
phase_cpu() {
  local samples="$1" out="$2" hz cores
  hz="$(getconf CLK_TCK)"
  cores="$(nproc)"
  { grep '^PHASE ' "$out" || true; } | while read -r line; do
    local name from to
    name="$(grep -oP '(?<=phase=)\S+' <<< "$line")"
    from="$(grep -oP '(?<= from=)\S+' <<< "$line")"
    to="$(grep -oP '(?<= to=)\S+' <<< "$line")"
    awk -v from="$from" -v to="$to" -v hz="$hz" -v n="$cores" -v name="$name" '
      # The last sample at or before the start and the first at or after the end (wrk keeps its
      # ticks until it exits, so the sample after the end still has them).
      # (wrk ticks only grow: a sample that missed it counts the last seen.)
      $6 > w { w = $6 }
      { $6 = w }
      $1 <= from { for (i = 1; i <= 6; i++) a[i] = $i; have_a = 1 }
      $1 >= to && !have_b { for (i = 1; i <= 6; i++) b[i] = $i; have_b = 1 }
      END {
        if (!have_a || !have_b) { printf "PHASE_CPU phase=%s (not enough samples)\n", name; exit }
        m = (b[1] - a[1]) * n
        printf "PHASE_CPU phase=%s wall_s=%.1f app=%.0f%% redis=%.0f%% postgres=%.0f%% naive_app=%.0f%% wrk=%.0f%% of %d cores\n", name, b[1] - a[1],
          100 * (b[2] - a[2]) / hz / m, 100 * (b[3] - a[3]) / hz / m, 100 * (b[4] - a[4]) / hz / m, 100 * (b[5] - a[5]) / hz / m,
          100 * (b[6] - a[6]) / hz / m, n }' "$samples"
  done
}

# measure <name> <url> <wrk duration> [VAR=value...]: one wrk run through flash-sale.lua (env in the
# arguments), its result lines into $DATA/<name>.out and the results file, with the load average
# before it and the CPU each process used during it (and during each phase of a sale).
measure() {
  local name="$1" url="$2" duration="$3"
  shift 3
  wait_quiet
  local load before after wall user sys
  load="$(cut -d' ' -f1-3 /proc/loadavg)"
  before="$(cpu_snapshot)"
  local TIMEFORMAT='%R %U %S'
  sample_cpu > "$DATA/$name.cpu" &
  SAMPLER=$!
  { time env "$@" THREADS="$CONNECTIONS" wrk -t"$CONNECTIONS" -c"$CONNECTIONS" -d"$duration" --timeout 10s \
      -s bench/flash-sale.lua "$url" > "$DATA/$name.out"; } 2> "$DATA/$name.time"
  after="$(cpu_snapshot)"
  sleep 0.6
  kill "$SAMPLER" 2>/dev/null || true
  SAMPLER=""
  read -r wall user sys < "$DATA/$name.time"
  read -r -a b <<< "$before"
  read -r -a a <<< "$after"
  local hz cores
  hz="$(getconf CLK_TCK)"
  cores="$(nproc)"
  # Seconds of CPU, and the share of the machine's cores over the run.
  CPU_LINE="$(awk -v w="$wall" -v hz="$hz" -v n="$cores" -v wu="$user" -v ws="$sys" \
    -v app=$((a[0] - b[0])) -v redis=$((a[1] - b[1])) -v pg=$((a[2] - b[2])) -v naive=$((a[3] - b[3])) 'BEGIN {
      m = w * n
      printf "CPU wall_s=%.1f app_s=%.1f (%.0f%%) redis_s=%.1f (%.0f%%) postgres_s=%.1f (%.0f%%) naive_app_s=%.1f (%.0f%%) wrk_s=%.1f (%.0f%%) of %d cores",
        w, app / hz, 100 * app / hz / m, redis / hz, 100 * redis / hz / m, pg / hz, 100 * pg / hz / m,
        naive / hz, 100 * naive / hz / m, wu + ws, 100 * (wu + ws) / m, n }')"
  {
    echo "[$name] load average before: $load$BUSY"
    grep -E '^(RESULT|KIND|KIND_PHASE|PHASE) ' "$DATA/$name.out"
    echo "$CPU_LINE"
    phase_cpu "$DATA/$name.cpu" "$DATA/$name.out"
  } | sed "s/^/$name /" | tee -a "$RESULTS"
  cp "$DATA/$name.out" "$DATA/$name.cpu" "$DATA/$name.time" "$RAW/"
  BUSY=""
}
field() { grep -m1 "^RESULT" "$DATA/$1.out" | grep -oP "(?<= $2=)[^ ]+"; }

# A sale of a published product no sale has used yet (sales of one SKU may not overlap).
new_sale() {
  local slug="$1" units="$2" sku line
  sku="$(psql_q "SELECT p.sku FROM catalog.products p WHERE p.is_published AND NOT EXISTS (SELECT 1 FROM flashsale.sales s WHERE s.sku = p.sku) ORDER BY random() LIMIT 1")"
  line="$("${TOOL[@]}" setup "$slug" "$sku" "$units" "$START_AFTER" "$ADMIT_PER_MINUTE" "$WINDOW_MINUTES" | grep '^SALE')"
  echo "$line"
}
sale_field() { grep -oP "(?<= $2=)[^ ]+" <<< "$1"; }

echo "# $RUN_AT $(git log --oneline -1 | cut -c1-60) requests=$REQUESTS units=$UNITS shoppers=$SHOPPERS wrk -t$CONNECTIONS -c$CONNECTIONS admit_per_minute=$ADMIT_PER_MINUTE start_after=${START_AFTER}s, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" | tee -a "$RESULTS"

warm() {
  local url="$1"
  shift
  env "$@" THREADS="$CONNECTIONS" wrk -t"$CONNECTIONS" -c"$CONNECTIONS" -d600s --timeout 10s -s bench/flash-sale.lua "$url" > /dev/null
}
NAIVE_URL="http://127.0.0.1:$NAIVE_PORT"
naive_stock() { psql_q "INSERT INTO naive_sale.stock (sku, on_hand) VALUES ('NAIVE-1', $1) ON CONFLICT (sku) DO UPDATE SET on_hand = EXCLUDED.on_hand" >/dev/null; }
naive_left() { psql_q "SELECT on_hand FROM naive_sale.stock WHERE sku = 'NAIVE-1'"; }

# Warm-up (JIT tiering, pools, caches): a smaller sale through every path, and both references.
log "Warming up"
WARM="$(new_sale "warm-$(date +%s)" 200)"
warm "$BASE" MODE=sale SALE_SLUG="$(sale_field "$WARM" slug)" SALE_ID="$(sale_field "$WARM" id)" SHOPPERS=5000 REQUESTS="$WARMUP_REQUESTS"
warm "$BASE" MODE=empty REQUESTS=$((WARMUP_REQUESTS / 2))
naive_stock 1000000000
warm "$NAIVE_URL" MODE=naive NAIVE_SKU=NAIVE-1 REQUESTS=$((WARMUP_REQUESTS / 3))
"${TOOL[@]}" reconcile "$(sale_field "$WARM" id)" 300 | sed 's/^/warm-up /'
# Orders of an earlier, interrupted run are made by the app's recovery job: not during a measurement.
for _ in $(seq 1 300); do
  [ "$(psql_q "SELECT count(*) FROM flashsale.purchases WHERE state = 'processing'")" = 0 ] && break
  sleep 1
done

log "The empty endpoint"
measure empty "$BASE" 600s MODE=empty REQUESTS="$REQUESTS"

log "The sale"
wait_quiet
SALE="$(new_sale "flash-$(date +%s)" "$UNITS")"
echo "$SALE" | tee -a "$RESULTS"
SALE_ID="$(sale_field "$SALE" id)"
measure sale "$BASE" 1800s MODE=sale SALE_SLUG="$(sale_field "$SALE" slug)" SALE_ID="$SALE_ID" SHOPPERS="$SHOPPERS" REQUESTS="$REQUESTS"
log "Waiting for the sale's orders"
RECONCILED="$("${TOOL[@]}" reconcile "$SALE_ID" 600)"
ORDERS="$(psql_q "SELECT count(*) FROM checkout.orders o JOIN flashsale.purchases p ON p.order_number = o.number WHERE p.sale_id = '$SALE_ID'")"
LIVE_FROM="$(grep -m1 '^PHASE phase=live' "$DATA/sale.out" | grep -oP '(?<= from=)\S+' || echo 0)"
{
  echo "$RECONCILED"
  echo "ORDERS made from $(psql_q "SELECT round((extract(epoch FROM min(created_at)) - $LIVE_FROM)::numeric, 1) || ' s to ' || round((extract(epoch FROM max(updated_at)) - $LIVE_FROM)::numeric, 1) || ' s after the sale went live (' || count(*) || ' orders)' FROM flashsale.purchases WHERE sale_id = '$SALE_ID' AND state = 'ordered'")"
  echo "ORDERS in PostgreSQL for the sale's purchases: $ORDERS; purchases by state: $(psql_q "SELECT string_agg(state || ':' || n, ',') FROM (SELECT state, count(*) n FROM flashsale.purchases WHERE sale_id = '$SALE_ID' GROUP BY state) s")"
} | sed 's/^/sale /' | tee -a "$RESULTS"

log "The naive way: $UNITS units, $REQUESTS purchase attempts"
naive_stock "$UNITS"
measure naive "$NAIVE_URL" 1800s MODE=naive NAIVE_SKU=NAIVE-1 REQUESTS="$REQUESTS"
NAIVE_SOLD=$((UNITS - $(naive_left)))
echo "naive SOLD $NAIVE_SOLD of $UNITS" | tee -a "$RESULTS"
log "The naive way while units last: ${NAIVE_SECONDS}s with stock that does not run out"
naive_stock 1000000000
measure naive-contended "$NAIVE_URL" "${NAIVE_SECONDS}s" MODE=naive NAIVE_SKU=NAIVE-1 REQUESTS=1000000000000
echo "naive-contended SOLD $((1000000000 - $(naive_left)))" | tee -a "$RESULTS"

# The summary.
SALE_RPS="$(field sale rps)"
EMPTY_RPS="$(field empty rps)"
NAIVE_RPS="$(field naive rps)"
CONTENDED_RPS="$(field naive-contended rps)"
SOLD="$(field sale sold)"
{
  echo
  echo "Flash sale, $RUN_AT: $REQUESTS requests per run, $UNITS units, $SHOPPERS shoppers, wrk -t$CONNECTIONS -c$CONNECTIONS on the same $(nproc) cores"
  printf '%-34s %10s %9s %9s %9s %8s  %s\n' "run / kind" requests "req/s" "p50 ms" "p99 ms" "5xx" "answers"
  for run in empty sale naive naive-contended; do
    grep -m1 '^RESULT' "$DATA/$run.out" | awk -v run="$run" '{
      for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      printf "%-34s %10s %9s %9s %9s %8s\n", run, f["requests"], f["rps"], f["p50_ms"], f["p99_ms"], f["server_errors"] }'
    [ "$run" = sale ] && grep '^KIND ' "$DATA/sale.out" | awk '{
      for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      s5 = 0; n = split(f["codes"], cs, ","); for (j = 1; j <= n; j++) { split(cs[j], c, ":"); if (c[1] >= 500) s5 += c[2] }
      printf "  %-32s %10s %9s %9s %9s %8s  %s (%s %%)\n", f["kind"], f["requests"], f["rps"], f["p50_ms"], f["p99_ms"], s5, f["codes"], f["share_pct"] }'
    [ "$run" = sale ] && grep '^PHASE ' "$DATA/sale.out" | awk '{
      for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      printf "  phase %-26s %10s %9s  over %s s\n", f["phase"], f["requests"], f["rps"], f["seconds"] }'
  done
  echo "sold: $SOLD purchases answered 200; $ORDERS orders in PostgreSQL; $(grep -oP 'claimed_in_redis=\S+ orders=\S+ committed=\S+ .*balanced=\S+' <<< "$RECONCILED")"
  echo "naive: $NAIVE_SOLD of $UNITS units sold by $(field naive requests) attempts"
  awk -v s="$SALE_RPS" -v e="$EMPTY_RPS" -v n="$NAIVE_RPS" -v c="$CONTENDED_RPS" 'BEGIN {
    printf "sale / empty endpoint: %.1f %%   sale / naive: %.1fx   sale / naive while units last: %.1fx\n", 100 * s / e, s / n, s / c
    target = (e >= 16700) ? 16700 : 0.6 * e
    printf "target: sale >= %.0f req/s (%s): %s; sale >= 10x naive: %s (%s while units last)\n", target,
      (e >= 16700) ? "1M a minute" : "60 % of the empty endpoint", (s >= target) ? "met" : "MISSED",
      (s >= 10 * n) ? "met" : "MISSED", (s >= 10 * c) ? "met" : "missed"
    # Ten times the naive way can be above what this machine serves at all: the empty endpoint says.
    printf "ceiling: the empty endpoint is %.1fx the naive way (10x naive is %s it)\n", e / n, (10 * n > e) ? "above" : "within" }'
} | tee -a "$RESULTS"

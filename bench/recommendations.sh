#!/usr/bin/env bash
# Recommendations at scale: a generated history of ORDERS orders over PRODUCTS products, then
#   1. the nightly rebuild over all of it (time, the process's peak memory),
#   2. the offline evaluation: HELD_OUT latest orders held out, one product of each hidden, five
#      recommendations asked from the rest; ours against raw co-occurrence counts (the naive way),
#   3. product pages with and without the recommendation boxes: two instances of the app on the same
#      databases, one with Recommendations:ShowOnProductPage=false, measured in turns in one run.
# Environment: PRODUCTS (20000), ORDERS (1000000), HELD_OUT (10000), DURATION (15s), WARMUP (10s),
# CONNECTIONS (16), PASSES (2), STEPS ("rebuild refresh evaluate pages": which to run; refresh marks
# 1, 50 and 500 products stale and times the minute job's pass over them).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
source bench/lib.sh

PRODUCTS="${PRODUCTS:-20000}"
ORDERS="${ORDERS:-1000000}"
bench_prepare "$ROOT/.data/bench-recommendations-$PRODUCTS-$ORDERS" 5597 6597
OUTFILE="$OUT/recommendations.txt"
echo "# $(date -u +%FT%TZ) $(git log --oneline -1 | cut -c1-60) products=$PRODUCTS orders=$ORDERS, $(nproc) cores" | tee -a "$OUTFILE"

if [ ! -f "$DATA/seeded" ]; then
  log "Loading $PRODUCTS products and $ORDERS orders"
  t0=$SECONDS
  (cd "$DATA/app" && Logging__LogLevel__Storefront=Information dotnet Storefront.Web.dll seed-large "$PRODUCTS" --orders "$ORDERS") \
    | grep -A1 -E "Seeding.*Seeder|Recommendations rebuilt" | grep -vE "^(--|info)" | sed 's/^ */load: /' | tee -a "$OUTFILE"
  echo $((SECONDS - t0)) > "$DATA/seeded"
  echo "load: $(cat "$DATA/seeded") s in all (products, orders, the first rebuild)" | tee -a "$OUTFILE"
fi

STEPS="${STEPS:-rebuild refresh evaluate pages}"
step() { [[ " $STEPS " == *" $1 "* ]]; }

if step rebuild; then
log "The nightly rebuild"
for run in 1 2; do
  /usr/bin/time -f "wall %e s, peak RSS %M KiB" -o "$DATA/time.txt" \
    bash -c "cd '$DATA/app' && dotnet Storefront.Web.dll recommendations rebuild" | grep '^rebuild' | sed "s/^/run $run /" | tee -a "$OUTFILE"
  echo "run $run process: $(cat "$DATA/time.txt")" | tee -a "$OUTFILE"
done
fi

if step refresh; then
log "The incremental refresh after new orders"
for n in 1 50 500; do
  psql_q "INSERT INTO recommendations.stale_products (sku, marked_at) SELECT sku, now() FROM (SELECT DISTINCT sku FROM recommendations.purchases ORDER BY 1 LIMIT $n) s ON CONFLICT DO NOTHING" >/dev/null
  (cd "$DATA/app" && dotnet Storefront.Web.dll recommendations refresh) | grep '^refresh' | sed "s/^/$n marked: /" | tee -a "$OUTFILE"
done
fi

if step evaluate; then
log "Offline evaluation"
(cd "$DATA/app" && dotnet Storefront.Web.dll recommendations evaluate "${HELD_OUT:-10000}") | tee -a "$OUTFILE"
fi

step pages || exit 0
log "Product pages with and without the recommendation boxes"
# Products that have lists (those bought in the history), in random order.
psql_q "SELECT '/p/' || p.slug FROM catalog.products p JOIN (SELECT DISTINCT sku FROM recommendations.co_purchases) c ON c.sku = p.sku ORDER BY random() LIMIT 2000" > "$DATA/products.txt"
bench_start_app 5098
WITH_APP=$APP
export Recommendations__ShowOnProductPage=false
bench_start_app 5099
unset Recommendations__ShowOnProductPage
APP="$APP $WITH_APP"
for pass in $(seq 1 "${PASSES:-2}"); do
  for side in with:5098 without:5099; do
    port=${side#*:}
    URLS_FILE="$DATA/products.txt" wrk -t1 -c"${CONNECTIONS:-16}" -d"${WARMUP:-10s}" -s bench/report.lua "http://127.0.0.1:$port/" >/dev/null
    line=$(URLS_FILE="$DATA/products.txt" wrk -t1 -c"${CONNECTIONS:-16}" -d"${DURATION:-15s}" -s bench/report.lua "http://127.0.0.1:$port/" | grep '^RESULT')
    echo "pass $pass ${side%%:*} boxes ${line#RESULT }" | tee -a "$OUTFILE"
  done
done
# What the boxes add to each page: the HTML of the first 50 products, with and without.
for side in with:5098 without:5099; do
  bytes=$(head -50 "$DATA/products.txt" | while read -r path; do curl -s -o /dev/null -w '%{size_download}\n' "http://127.0.0.1:${side#*:}$path"; done | awk '{ s += $1 } END { printf "%.0f", s / NR }')
  echo "page ${side%%:*} boxes: $bytes bytes of HTML on average" | tee -a "$OUTFILE"
done

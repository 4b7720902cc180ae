#!/usr/bin/env bash
# What collecting the metrics costs: two instances of the store on the same databases, one with
# /metrics on (the default) and one with Metrics__Enabled=false, measured in turns in one run on the
# cheapest endpoint (/health/live), cached product pages and product pages rendered for every view
# (the page cache off on both), so the ratio survives this machine's noise. Then one scrape's size
# and time while the instance is busy.
# Environment: PRODUCTS (2400), DURATION (15s), WARMUP (10s), CONNECTIONS (16), PASSES (2).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
source bench/lib.sh

PRODUCTS="${PRODUCTS:-2400}"
bench_prepare "$ROOT/.data/bench-pages-$PRODUCTS" $((5561 + (PRODUCTS % 97))) $((6561 + (PRODUCTS % 97)))
bench_seed_catalog "$PRODUCTS"
(cd "$DATA/app" && dotnet Storefront.Web.dll migrate) >/dev/null
bench_start_app 5092
STARTED="$APP"
export Metrics__Enabled=false
bench_start_app 5091
STARTED="$STARTED $APP"
export PageCache__Enabled=false
bench_start_app 5090
STARTED="$STARTED $APP"
unset Metrics__Enabled
bench_start_app 5089
APP="$STARTED $APP"
unset PageCache__Enabled

psql_q "SELECT '/p/' || slug FROM catalog.products WHERE is_published ORDER BY random() LIMIT 2000" > "$DATA/product.txt"
echo "/health/live" > "$DATA/live.txt"
OUTFILE="$OUT/metrics-overhead.txt"
echo "# $(date -u +%FT%TZ) $(git log --oneline -1 | cut -c1-60) products=$PRODUCTS wrk -t1 -c${CONNECTIONS:-16} -d${DURATION:-15s}, $(nproc) cores" | tee -a "$OUTFILE"
for pass in $(seq 1 "${PASSES:-2}"); do
  bench_wrk 5092 "$DATA/live.txt" "pass $pass live metrics-on"
  bench_wrk 5091 "$DATA/live.txt" "pass $pass live metrics-off"
  bench_wrk 5092 "$DATA/product.txt" "pass $pass product-cached metrics-on"
  bench_wrk 5091 "$DATA/product.txt" "pass $pass product-cached metrics-off"
  bench_wrk 5089 "$DATA/product.txt" "pass $pass product-uncached metrics-on"
  bench_wrk 5090 "$DATA/product.txt" "pass $pass product-uncached metrics-off"
done
# One scrape, after all that traffic: its size and how long it takes.
for i in 1 2 3; do
  curl -s -o /dev/null -w "scrape $i: %{http_code} %{size_download} bytes in %{time_total} s\n" "http://127.0.0.1:5092/metrics" | tee -a "$OUTFILE"
done

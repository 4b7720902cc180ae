#!/usr/bin/env bash
# Product page throughput beside the host's cheapest endpoint (/health/live), in one run, so the
# ratio survives this machine's noise. Every request is a first-time visitor (wrk keeps no cookies).
# Environment: PRODUCTS (2400), DURATION (15s), WARMUP (15s), CONNECTIONS (16), PASSES (2), PORT (5091).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
source bench/lib.sh

PRODUCTS="${PRODUCTS:-2400}"
PORT="${PORT:-5091}"
bench_prepare "$ROOT/.data/bench-pages-$PRODUCTS" $((5561 + (PRODUCTS % 97))) $((6561 + (PRODUCTS % 97)))
bench_seed_catalog "$PRODUCTS"
(cd "$DATA/app" && dotnet Storefront.Web.dll migrate) >/dev/null
bench_start_app "$PORT"
psql_q "SELECT '/p/' || slug FROM catalog.products ORDER BY random() LIMIT 2000" > "$DATA/products.txt"
echo "/health/live" > "$DATA/empty.txt"

echo "# $(date -u +%FT%TZ) $(git log --oneline -1 | cut -c1-60) products=$PRODUCTS wrk -t1 -c${CONNECTIONS:-16} -d${DURATION:-15s}, $(nproc) cores" | tee -a "$OUT/product-vs-empty.txt"
for pass in $(seq 1 "${PASSES:-2}"); do
  for kind in products empty; do
    URLS_FILE="$DATA/$kind.txt" wrk -t1 -c"${CONNECTIONS:-16}" -d"${WARMUP:-15s}" -s bench/report.lua "http://127.0.0.1:$PORT/" >/dev/null
    line=$(URLS_FILE="$DATA/$kind.txt" wrk -t1 -c"${CONNECTIONS:-16}" -d"${DURATION:-15s}" -s bench/report.lua "http://127.0.0.1:$PORT/" | grep '^RESULT')
    echo "pass $pass $kind ${line#RESULT }" | tee -a "$OUT/product-vs-empty.txt"
  done
done

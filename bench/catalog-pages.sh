#!/usr/bin/env bash
# Category and product page throughput and latency over HTTP (wrk on the same machine).
#   bench/catalog-pages.sh                 # the 1,000,000-product catalog
#   PRODUCTS=2400 bench/catalog-pages.sh   # the demo catalog
# Environment: PRODUCTS, DURATION (20s), WARMUP (30s, per scenario: JIT tiering and caches), CONNECTIONS (32), THREADS (1), PORT (5080).
# The catalog is loaded once per size into .data/bench-<size>/ and reused by later runs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
source bench/lib.sh

PRODUCTS="${PRODUCTS:-1000000}"
DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-1}"
PORT="${PORT:-5080}"
bench_prepare "$ROOT/.data/bench-$PRODUCTS" $((5434 + (PRODUCTS % 97))) $((6390 + (PRODUCTS % 97)))
bench_seed_catalog "$PRODUCTS"
log "Applying migrations"
(cd "$DATA/app" && dotnet Storefront.Web.dll migrate)
log "Catalog load took $(cat "$DATA/seeded") s (migrations, COPY of products, images, reviews, stock, ANALYZE)"

bench_start_app "$PORT"

BASE="http://127.0.0.1:$PORT"
psql_q "SELECT '/p/' || slug FROM catalog.products TABLESAMPLE SYSTEM (1) LIMIT 5000" > "$DATA/products.txt"
psql_q "SELECT '/c/' || slug FROM catalog.categories" > "$DATA/categories.txt"
sed 's/$/?sort=price-asc/' "$DATA/categories.txt" > "$DATA/categories-price.txt"

# Follows "Next" links from a page, as a shopper would, and prints the URL reached.
follow_next() {
  local url="$1" times="$2" next
  for _ in $(seq 1 "$times"); do
    next=$(curl -s "$BASE$url" | grep -oP 'rel="next" href="\K[^"]+' | sed 's/&amp;/\&/g' || true)
    [ -n "$next" ] || break
    url="$next"
  done
  echo "$url"
}
# Page 201 of Electronics by price (~4,800 products in), and page 101 of a leaf, newest first.
follow_next "/c/electronics?sort=price-asc" 200 > "$DATA/deep.txt"
follow_next "/c/headphones" 100 > "$DATA/deep-leaf.txt"
echo "/c/headphones?attr.connectivity=Bluetooth&min=20&max=200&sort=rating" > "$DATA/filtered.txt"

run() {
  local name="$1" file="$2"
  # Warm up (JIT, caches, buffers), then measure.
  URLS_FILE="$file" wrk -t "$THREADS" -c "$CONNECTIONS" -d "${WARMUP:-30s}" -s bench/report.lua "$BASE/" >/dev/null
  local line
  line=$(URLS_FILE="$file" wrk -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" -s bench/report.lua "$BASE/" | grep '^RESULT')
  printf '%-34s %s\n' "$name" "${line#RESULT }" | tee -a "$OUT/catalog-$PRODUCTS.txt"
}

{
  echo "# $(date -u +%FT%TZ) products=$PRODUCTS wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
} | tee -a "$OUT/catalog-$PRODUCTS.txt"
run "product page (random of 5,000)" "$DATA/products.txt"
run "category page 1 (all categories)" "$DATA/categories.txt"
run "category page 1 by price" "$DATA/categories-price.txt"
run "category deep page (Electronics p201)" "$DATA/deep.txt"
run "leaf deep page (Headphones p101)" "$DATA/deep-leaf.txt"
run "filtered + sorted by rating" "$DATA/filtered.txt"

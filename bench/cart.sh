#!/usr/bin/env bash
# Cart latency over HTTP (wrk on the same machine), on the demo catalog:
#   - cart read: GET /api/cart of a 3-line cart (Redis only), and the full cart page GET /cart;
#   - add to cart: POST /api/cart/lines, each request a new shopper holding 1 unit of a random SKU
#     (stock hold in PostgreSQL + cart in Redis).
# Environment: PRODUCTS (2400), DURATION (15s), WARMUP (10s), CONNECTION_SET ("4 16"), PORT (5081).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
source bench/lib.sh

PRODUCTS="${PRODUCTS:-2400}"
DURATION="${DURATION:-15s}"
WARMUP="${WARMUP:-10s}"
CONNECTION_SET="${CONNECTION_SET:-4 16}"
PORT="${PORT:-5081}"
bench_prepare "$ROOT/.data/bench-cart-$PRODUCTS" $((5534 + (PRODUCTS % 97))) $((6490 + (PRODUCTS % 97)))
(cd "$DATA/app" && dotnet Storefront.Web.dll seed-large "$PRODUCTS")

# Plenty of stock, so that no add is refused, and no holds left from an earlier run.
psql_q "TRUNCATE inventory.reservations; TRUNCATE cart.carts CASCADE; UPDATE inventory.stock_items SET on_hand = 1000000, reserved = 0" >/dev/null
psql_q "SELECT sku FROM catalog.products WHERE is_published" > "$DATA/skus.txt"

bench_start_app "$PORT"
BASE="http://127.0.0.1:$PORT"

# A shopper with three lines in the cart; its cookie is replayed for the reads.
JAR="$DATA/cookies.txt"; rm -f "$JAR"
for sku in $(shuf -n 3 "$DATA/skus.txt"); do
  curl -sf -b "$JAR" -c "$JAR" -H 'Content-Type: application/json' -d "{\"sku\":\"$sku\",\"quantity\":2}" "$BASE/api/cart/lines" >/dev/null
done
COOKIE="storefront.cart=$(awk '$6 == "storefront.cart" { print $7 }' "$JAR")"
curl -sf -H "Cookie: $COOKIE" "$BASE/api/cart" | grep -q '"itemCount":6' || { echo "cart setup failed" >&2; exit 1; }

run() {
  local name="$1" c="$2"; shift 2
  wrk -t 1 -c "$c" -d "$WARMUP" "$@" >/dev/null
  local line
  line=$(wrk -t 1 -c "$c" -d "$DURATION" "$@" | grep '^RESULT')
  printf '%-40s %s\n' "$name (c=$c)" "${line#RESULT }" | tee -a "$OUT/cart.txt"
}

echo "# $(date -u +%FT%TZ) products=$PRODUCTS wrk -t1 -d$DURATION, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" | tee -a "$OUT/cart.txt"
for c in $CONNECTION_SET; do
  run "cart read GET /api/cart" "$c" -s bench/report.lua -H "Cookie: $COOKIE" "$BASE/api/cart"
  run "cart page GET /cart" "$c" -s bench/report.lua -H "Cookie: $COOKIE" "$BASE/cart"
  ADD_SKUS_FILE="$DATA/skus.txt" run "add to cart POST /api/cart/lines" "$c" -s bench/report.lua "$BASE"
done
echo "holds now live: $(psql_q "SELECT count(*) FROM inventory.reservations WHERE status = 'active'"), carts written to PostgreSQL: $(psql_q "SELECT count(*) FROM cart.carts")" | tee -a "$OUT/cart.txt"

#!/usr/bin/env bash
# Checkout latency and sustained orders per second, end to end over HTTP, with the test gateway.
# Each shopper count runs twice in the same run: without a discount code (the reference), then with
# one code every shopper gives (10 % off, no limit: each order takes the code's row lock in turn).
# Environment: PRODUCTS (2400), SECONDS_PER_RUN (20), WARMUP (10), SHOPPER_SET ("4 16"), PORT (5082).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
source bench/lib.sh

PRODUCTS="${PRODUCTS:-2400}"
PORT="${PORT:-5082}"
bench_prepare "$ROOT/.data/bench-checkout-$PRODUCTS" $((5634 + (PRODUCTS % 97))) $((6590 + (PRODUCTS % 97)))
(cd "$DATA/app" && dotnet Storefront.Web.dll seed-large "$PRODUCTS")
psql_q "UPDATE inventory.stock_items SET on_hand = 1000000 WHERE on_hand < 1000000" >/dev/null
psql_q "SELECT sku FROM catalog.products WHERE is_published" > "$DATA/skus.txt"
psql_q "INSERT INTO checkout.discounts (id, code, kind, value, once_per_customer, active, used, created_at)
        VALUES (gen_random_uuid(), 'BENCH10', 'Percent', 10, false, true, 0, now()) ON CONFLICT (code) DO NOTHING" >/dev/null
dotnet build bench/Storefront.CheckoutBench -c Release -nologo -v quiet >/dev/null

bench_start_app "$PORT"
echo "# $(date -u +%FT%TZ) products=$PRODUCTS seconds=${SECONDS_PER_RUN:-20}, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" | tee -a "$OUT/checkout.txt"
for shoppers in ${SHOPPER_SET:-4 16}; do
  for code in "" BENCH10; do
    dotnet bench/Storefront.CheckoutBench/bin/Release/net10.0/Storefront.CheckoutBench.dll "http://127.0.0.1:$PORT" "$DATA/skus.txt" \
      "${SECONDS_PER_RUN:-20}" "$shoppers" "${WARMUP:-10}" "$code" | grep '^RESULT' | tee -a "$OUT/checkout.txt"
  done
done
echo "orders: $(psql_q "SELECT count(*) FROM checkout.orders"), checkouts not completed: $(psql_q "SELECT count(*) FROM checkout.checkouts WHERE state <> 'completed'")" | tee -a "$OUT/checkout.txt"

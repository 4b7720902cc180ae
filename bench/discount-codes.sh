#!/usr/bin/env bash
# What each discount code brought (the /admin/discounts list), at 1,000,000 orders of which
# CODED_SHARE percent (10) were placed with one of 20 codes: the list's query as the store sends it,
# beside the same query made to read every order (index scans off), in the same run.
# Environment: PRODUCTS (20000), ORDERS (1000000), CODED_SHARE (10), ROUNDS (5).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
source bench/lib.sh

PRODUCTS="${PRODUCTS:-20000}"
ORDERS="${ORDERS:-1000000}"
CODED_SHARE="${CODED_SHARE:-10}"
bench_prepare "$ROOT/.data/bench-recommendations-$PRODUCTS-$ORDERS" 5597 6597
if [ ! -f "$DATA/seeded" ]; then
  log "Loading $PRODUCTS products and $ORDERS orders"
  t0=$SECONDS
  (cd "$DATA/app" && dotnet Storefront.Web.dll seed-large "$PRODUCTS" --orders "$ORDERS") >/dev/null
  echo $((SECONDS - t0)) > "$DATA/seeded"
fi
(cd "$DATA/app" && dotnet Storefront.Web.dll migrate) >/dev/null
psql_q "INSERT INTO checkout.discounts (id, code, kind, value, once_per_customer, active, used, created_at)
        SELECT gen_random_uuid(), 'BENCH-' || n, 'Percent', 10, false, true, 0, now() FROM generate_series(0, 19) n
        ON CONFLICT (code) DO NOTHING" >/dev/null
psql_q "UPDATE checkout.orders SET discount_code = 'BENCH-' || (abs(hashtext(number)) % 20), discount = round(subtotal * 0.1, 2)
        WHERE discount_code IS NULL AND abs(hashtext(number)) % 100 < $CODED_SHARE" >/dev/null
psql_q "VACUUM ANALYZE checkout.orders" >/dev/null

QUERY="SELECT discount_code, count(*), sum(discount), sum(total) FROM checkout.orders
       WHERE discount_code IS NOT NULL AND status <> 'Cancelled' GROUP BY discount_code"
# The execution time EXPLAIN ANALYZE reports (psql prints the SET tags before its JSON).
ms() { psql_q "$1 EXPLAIN (ANALYZE, FORMAT JSON) $QUERY" | python3 -c 'import json,sys; t=sys.stdin.read(); print(round(json.loads(t[t.index("["):])[0]["Execution Time"], 1))'; }
echo "# $(date -u +%FT%TZ) $(git log --oneline -1 | cut -c1-60) orders=$(psql_q "SELECT count(*) FROM checkout.orders") coded=$(psql_q "SELECT count(*) FROM checkout.orders WHERE discount_code IS NOT NULL"), $(nproc) cores" | tee -a "$OUT/discount-codes.txt"
for round in $(seq 1 "${ROUNDS:-5}"); do
  echo "RESULT round=$round list_ms=$(ms "") every_order_ms=$(ms "SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off;")" | tee -a "$OUT/discount-codes.txt"
done

#!/usr/bin/env bash
# The merchant's orders CSV at scale: every order of the 1,000,000-order history of
# bench/recommendations.sh (run that first), and the last 30 days, downloaded by a signed-in merchant
# from this build and from BASELINE (default 0cdaa45: the CSV before its invoice column) side by side
# on the same databases, PASSES (2) times each in turns; /health/live of this build as the empty
# reference. Every order has its invoice number first, as in a store that numbered them all.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
source bench/lib.sh

PRODUCTS="${PRODUCTS:-20000}"
ORDERS="${ORDERS:-1000000}"
bench_prepare "$ROOT/.data/bench-recommendations-$PRODUCTS-$ORDERS" 5597 6597
[ -f "$DATA/seeded" ] || { echo "No order history in $DATA: run bench/recommendations.sh first." >&2; exit 1; }
OUTFILE="$OUT/orders-export.txt"
export Storefront__Admin__Email=bench@storefront.test Storefront__Admin__Password=Bench-Password-2024

bench_start_app 5181
bench_start_baseline "${BASELINE:-0cdaa45}" 5182
log "Numbering every order's invoice"
psql_q "INSERT INTO checkout.invoices (order_id, year, sequence, number, issued_at)
  SELECT id, y, n, 'INV-' || y || '-' || lpad(n::text, 6, '0'), placed_at FROM (
    SELECT id, placed_at, extract(year FROM placed_at AT TIME ZONE 'UTC')::int AS y,
           row_number() OVER (PARTITION BY extract(year FROM placed_at AT TIME ZONE 'UTC') ORDER BY placed_at, id)::int AS n
    FROM checkout.orders WHERE NOT EXISTS (SELECT 1 FROM checkout.invoices) ) o
  ON CONFLICT DO NOTHING" >/dev/null
psql_q "INSERT INTO checkout.invoice_counters (year, last) SELECT year, max(sequence) FROM checkout.invoices GROUP BY year
  ON CONFLICT (year) DO UPDATE SET last = excluded.last" >/dev/null
psql_q "VACUUM ANALYZE checkout.invoices" >/dev/null
echo "# $(date -u +%FT%TZ) $(git log --oneline -1 | cut -c1-60) orders=$(psql_q 'SELECT count(*) FROM checkout.orders') invoices=$(psql_q 'SELECT count(*) FROM checkout.invoices'), $(nproc) cores" | tee -a "$OUTFILE"

declare -A PORTS=([current]=5181 [baseline]=5182)
for name in "${!PORTS[@]}"; do bench_sign_in "${PORTS[$name]}" "$DATA/jar-$name"; done
SINCE=$(date -u -d '30 days ago' +%F)
for pass in $(seq 1 "${PASSES:-2}"); do
  for name in current baseline; do
    port=${PORTS[$name]}
    for query in "handler=Csv" "from=$SINCE&handler=Csv"; do
      line=$(curl -s -o "$DATA/export.csv" -b "$DATA/jar-$name" -w '%{time_starttransfer} %{time_total} %{size_download}' "http://127.0.0.1:$port/admin/orders?$query")
      read -r first total bytes <<< "$line"
      echo "pass $pass $name ${query%%&*}: lines=$(wc -l < "$DATA/export.csv") bytes=$bytes first_byte_s=$first total_s=$total header=$(head -1 "$DATA/export.csv" | cut -c1-30)" | tee -a "$OUTFILE"
    done
  done
  echo "pass $pass /health/live: $(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:5181/health/live") s" | tee -a "$OUTFILE"
done
rm -f "$DATA/export.csv"

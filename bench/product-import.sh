#!/usr/bin/env bash
# Products from a spreadsheet at catalog scale: the catalog of PRODUCTS (20000) exported as CSV, then
# a file of the largest size an import takes (5,000 lines: UPDATED (4000) existing products with a
# new price and count, the rest new products) checked and applied, each step timed. The same steps
# as the merchant's import page, run by the host's "products export|import" commands.
# Environment: PRODUCTS (20000), UPDATED (4000), ROUNDS (2).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
source bench/lib.sh

PRODUCTS="${PRODUCTS:-20000}"
UPDATED="${UPDATED:-4000}"
bench_prepare "$ROOT/.data/bench-import-$PRODUCTS" $((5712 + (PRODUCTS % 97))) $((6712 + (PRODUCTS % 97)))
bench_seed_catalog "$PRODUCTS"
app() { (cd "$DATA/app" && dotnet Storefront.Web.dll "$@"); }
app migrate >/dev/null

echo "# $(date -u +%FT%TZ) $(git log --oneline -1 | cut -c1-60) products=$(psql_q "SELECT count(*) FROM catalog.products"), $(nproc) cores" | tee -a "$OUT/product-import.txt"
for round in $(seq 1 "${ROUNDS:-2}"); do
  export_line=$(app products export "$DATA/export.csv" | grep '^export:')
  # Each round: every updated product's price and count go up by one; new products get SKUs of this run and round.
  python3 - "$DATA/export.csv" "$DATA/import.csv" "$UPDATED" "$(date +%s)-$round" <<'PY'
import csv, sys
src, dst, updated, rnd = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
with open(src, newline='', encoding='utf-8') as f:
    rows = list(csv.reader(f))
header, body = rows[0], rows[1:]
col = {name: i for i, name in enumerate(header)}
out = [header]
for r in body[:updated]:
    r = list(r)
    r[col['price']] = f"{float(r[col['price']]) + 1:.2f}"
    r[col['on_hand']] = str(int(r[col['on_hand']]) + 1)
    out.append(r)
for i, r in enumerate(body[updated:5000]):
    r = list(r)
    r[col['sku']] = f"IMPORT-{rnd}-{i:05d}"
    r[col['slug']] = f"import-{rnd}-{i:05d}"
    out.append(r)
with open(dst, 'w', newline='', encoding='utf-8') as f:
    csv.writer(f, lineterminator='\r\n').writerows(out)
PY
  import_lines=$(app products import "$DATA/import.csv" --apply | grep -E '^(check|apply):' | tr '\n' ' ')
  echo "RESULT round=$round $export_line | $import_lines" | tee -a "$OUT/product-import.txt"
done

#!/usr/bin/env bash
# How soon a category page's product count follows a merchant's change, at 1,000,000 products.
#   bench/category-counts.sh                # the 1,000,000-product catalog of bench/page-cache.sh
#   PRODUCTS=2400 bench/category-counts.sh  # the demo catalog
# A merchant unpublishes a product and publishes it again (ROUNDS times, 5) through the admin
# pages; after each click, the product's leaf, middle and top category pages are asked every 50 ms
# until their count has changed. The product's own page going (404) and coming back is the
# reference: the same events, without a recount. Then the database time of counting each category
# alone and of the store's one pass over the top category for all of them.
# Environment: PRODUCTS, ROUNDS (5), PORT (5086).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
source bench/lib.sh

PRODUCTS="${PRODUCTS:-1000000}"
ROUNDS="${ROUNDS:-5}"
PORT="${PORT:-5086}"
bench_prepare "$ROOT/.data/bench-pages-$PRODUCTS" $((5561 + (PRODUCTS % 97))) $((6561 + (PRODUCTS % 97)))
bench_seed_catalog "$PRODUCTS"
(cd "$DATA/app" && dotnet Storefront.Web.dll migrate)
export Storefront__Admin__Email="merchant@bench.test" Storefront__Admin__Password="Bench-Merchant-2026"
bench_start_app "$PORT"
BASE="http://127.0.0.1:$PORT"
JAR="$DATA/counts-cookies.txt"
rm -f "$JAR"

token() { grep -oP 'name="__RequestVerificationToken" type="hidden" value="\K[^"]+' | head -1; }
post() { curl -s -o /dev/null -w '%{http_code}' -b "$JAR" -c "$JAR" -H "Origin: $BASE" "$@"; }

# Sign in as the merchant.
login_token=$(curl -s -b "$JAR" -c "$JAR" "$BASE/account/login" | token)
post -X POST "$BASE/account/login" --data-urlencode "Input.Email=$Storefront__Admin__Email" \
  --data-urlencode "Input.Password=$Storefront__Admin__Password" --data-urlencode "__RequestVerificationToken=$login_token" >/dev/null

# A published product in a leaf three levels down, and its categories' slugs, leaf first.
read -r ID SLUG CATPATH < <(psql_q "SELECT p.id, p.slug, p.category_path FROM catalog.products p
  WHERE p.is_published AND p.category_path ~ '^/[0-9]+/[0-9]+/[0-9]+/$' ORDER BY p.created_at DESC LIMIT 1" | tr '|' ' ')
mapfile -t CATEGORIES < <(psql_q "SELECT slug FROM catalog.categories WHERE '$CATPATH' LIKE path || '%' ORDER BY depth DESC")
count_of() { curl -s "$BASE/c/$1" | grep -oP 'id="result-count">\K[0-9,]+' | tr -d ,; }
product_status() { curl -s -o /dev/null -w '%{http_code}' "$BASE/p/$SLUG"; }

RESULTS="$OUT/category-counts-$PRODUCTS.txt"
echo "# $(date -u +%FT%TZ) products=$PRODUCTS product=$SLUG categories=${CATEGORIES[*]} $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" | tee -a "$RESULTS"
declare -A before
for c in "${CATEGORIES[@]}"; do before[$c]=$(count_of "$c"); done
echo "counts before: $(for c in "${CATEGORIES[@]}"; do printf '%s=%s ' "$c" "${before[$c]}"; done)" | tee -a "$RESULTS"

# Waits until the check prints the expected value; prints the milliseconds since t0 (or "none" after 30 s).
wait_for() {
  local expected="$1" t0="$2"; shift 2
  while true; do
    local now=$(($(date +%s%N) / 1000000))
    [ "$("$@")" = "$expected" ] && { echo $((now - t0)); return; }
    [ $((now - t0)) -gt 30000 ] && { echo none; return; }
    sleep 0.05
  done
}

for round in $(seq 1 "$ROUNDS"); do
  for publish in false true; do
    edit_token=$(curl -s -b "$JAR" -c "$JAR" "$BASE/admin/products/$ID" | token)
    t0=$(($(date +%s%N) / 1000000))
    code=$(post -X POST "$BASE/admin/products/$ID?handler=Publish" --data-urlencode "publish=$publish" --data-urlencode "__RequestVerificationToken=$edit_token")
    saved=$(($(date +%s%N) / 1000000 - t0))
    line="round $round publish=$publish (answer $code in $saved ms):"
    if [ "$publish" = false ]; then delta=-1; status=404; else delta=0; status=200; fi
    line+=" product page $(wait_for "$status" "$t0" product_status) ms;"
    for c in "${CATEGORIES[@]}"; do line+=" $c $(wait_for $((before[$c] + delta)) "$t0" count_of "$c") ms;"; done
    echo "$line" | tee -a "$RESULTS"
  done
done

# The database time of counting each category on its own (both queries, second of two runs), and of
# the one pass over the top category, by category path, that the store makes for all three.
timed() {
  local by="$1" path="$2" q1 q2
  q1="SELECT count(*) FROM (SELECT ${by}p.brand, count(*) FROM catalog.products p JOIN catalog.listing_prices lp ON lp.sku = p.sku WHERE p.is_published AND p.category_path LIKE '$path%' GROUP BY ${by}p.brand) b"
  q2="SELECT count(*) FROM (SELECT ${by}kv.key, kv.value, count(*) FROM catalog.products p CROSS JOIN LATERAL jsonb_each_text(p.attributes) kv WHERE p.is_published AND p.category_path LIKE '$path%' GROUP BY ${by}kv.key, kv.value) a"
  pg_run "$(pg_bin)/psql" -h "/tmp/storefront-pg-$PGPORT" -p "$PGPORT" -U "$([ "$(id -u)" = 0 ] && echo postgres || id -un)" -d storefront -qAt \
    -c '\timing on' -c "$q1" -c "$q2" -c "$q1" -c "$q2" | grep -oP '^Time: \K[0-9.]+' | tail -2 | awk '{ s += $1 } END { printf "%.0f", s }'
}
for c in "${CATEGORIES[@]}"; do
  path=$(psql_q "SELECT path FROM catalog.categories WHERE slug = '$c'")
  echo "counting $c alone (${before[$c]} products): $(timed "" "$path") ms of database time" | tee -a "$RESULTS"
done
top=$(psql_q "SELECT path FROM catalog.categories WHERE slug = '${CATEGORIES[-1]}'")
echo "one pass over ${CATEGORIES[-1]} by category path (all three): $(timed "p.category_path, " "$top") ms of database time" | tee -a "$RESULTS"

#!/usr/bin/env bash
# Lighthouse (performance, accessibility, best practices, SEO) on the home, category, product,
# search and a store page of the demo store in Production, in the system Chromium, and the weight of a product
# page with photographs: three 2,400 × 1,600 JPEGs uploaded by the merchant (kept in sizes) beside
# the same three files shown as they are (how every upload was shown before sizes were kept), in
# one run.
#   bench/lighthouse.sh
# Environment: PRODUCTS (2400). Lighthouse's JSON reports go to bench/results/lighthouse/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
source bench/lib.sh

PRODUCTS="${PRODUCTS:-2400}"
PORT=5094
ensure_packages chromium
command -v npm >/dev/null || { as_root apt-get update -qq; DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq nodejs npm >/dev/null; }
# npm ci refuses this lock file: a dependency asks for third-party-web "latest", which npm ci
# resolves anew; npm install keeps the locked versions.
(cd bench/lighthouse && npm install --no-audit --no-fund --loglevel=error >/dev/null)
bench_prepare "$ROOT/.data/bench-lighthouse-$PRODUCTS" $((5661 + (PRODUCTS % 97))) $((6661 + (PRODUCTS % 97)))
bench_seed_catalog "$PRODUCTS"
(cd "$DATA/app" && dotnet Storefront.Web.dll migrate) >/dev/null
# A store page (in every footer, audited as "store-page"), written before the store starts and keeps its copy.
psql_q "INSERT INTO catalog.store_pages (id, slug, title, summary, body, is_published, in_footer, position, at_checkout, created_at, updated_at)
  VALUES (gen_random_uuid(), 'shipping-and-returns', 'Shipping and returns', 'How long delivery takes, what it costs, and how to send something back.',
  E'## Delivery\n| Method | Takes | Costs |\n| --- | --- | --- |\n| Standard | 3–5 working days | free from \$50 |\n| Express | 1–2 working days | from \$9.99 |\n\n## Returns\nSend anything back within **30 days** of delivery: ask from your order''s page and we e-mail you where to send it.\nYour refund goes to the card you paid with.',
  true, true, 10, true, now(), now()) ON CONFLICT (slug) DO NOTHING" >/dev/null
if [ ! -f "$DATA/search/current" ]; then
  (cd "$DATA/app" && dotnet Storefront.Web.dll reindex) 2>&1 | grep -E 'rebuilt' || true
fi
export Storefront__Admin__Email="merchant@bench.test" Storefront__Admin__Password="Bench-Merchant-2026"
bench_start_app "$PORT"
BASE="http://127.0.0.1:$PORT"

# Two products of the same category: the first gets the photographs through the upload form, the
# second the same original files under names without sizes (as uploads were kept before).
mapfile -t pair < <(psql_q "SELECT id || ' ' || slug FROM catalog.products WHERE is_published AND category_id = (SELECT category_id FROM catalog.products WHERE is_published GROUP BY category_id ORDER BY count(*) DESC, category_id LIMIT 1) ORDER BY sku LIMIT 2")
read -r sized_id sized_slug <<< "${pair[0]}"
read -r plain_id plain_slug <<< "${pair[1]}"
if [ "$(psql_q "SELECT count(*) FROM catalog.product_images WHERE product_id = '$sized_id' AND url LIKE '/media/uploads/%'")" = 0 ]; then
  log "Uploading three photographs to $sized_slug"
  uploaded=$(cd bench/lighthouse && node audit.mjs photos "$BASE" "$Storefront__Admin__Email" "$Storefront__Admin__Password" "$sized_id" 3)
  echo "$uploaded" > "$DATA/photos.txt"
  psql_q "DELETE FROM catalog.product_images WHERE product_id IN ('$sized_id', '$plain_id') AND url NOT LIKE '/media/uploads/%'" >/dev/null
  position=0
  while read -r url _; do
    name=${url##*/}
    plain="${name%%-*}.jpg"
    cp "$DATA/images/$name" "$DATA/images/$plain"
    psql_q "INSERT INTO catalog.product_images (product_id, position, url, alt_text) VALUES ('$plain_id', $position, '/media/uploads/$plain', 'Photograph $((position + 1))')" >/dev/null
    position=$((position + 1))
  done < "$DATA/photos.txt"
  # The pages were changed under the store's caches: start it again.
  kill "$APP"; wait "$APP" 2>/dev/null || true
  bench_start_app "$PORT"
fi
category=$(psql_q "SELECT '/c/' || slug FROM catalog.categories WHERE parent_id IS NULL ORDER BY id LIMIT 1")
product=$(psql_q "SELECT '/p/' || slug FROM catalog.products WHERE is_published ORDER BY sku OFFSET 10 LIMIT 1")
query=$(psql_q "SELECT lower(brand) FROM catalog.products WHERE is_published ORDER BY sku LIMIT 1" | tr ' ' '+')

# Each page once before it is measured: the server's first answer to a page (code compiled, caches
# filled) is not what shoppers get.
for path in / "$category" "$product" "/search?q=$query" "/p/$sized_slug" "/p/$plain_slug" /pages/shipping-and-returns; do curl -sf -o /dev/null "$BASE$path" || true; done
OUTFILE="$OUT/lighthouse.txt"
echo "# $(date -u +%FT%TZ) $(git log --oneline -1 | cut -c1-60) products=$PRODUCTS lighthouse $(node -p "require('./bench/lighthouse/node_modules/lighthouse/package.json').version") $(/usr/bin/chromium --version 2>/dev/null | head -1), $(nproc) cores" | tee -a "$OUTFILE"
(cd bench/lighthouse && node audit.mjs audit "$BASE" "$OUT/lighthouse" \
  "home=/" "category=$category" "product=$product" "search=/search?q=$query" \
  "photos-in-sizes=/p/$sized_slug" "photos-as-uploaded=/p/$plain_slug" "store-page=/pages/shipping-and-returns") | tee -a "$OUTFILE"
while read -r url size; do echo "uploaded $url: $size bytes" | tee -a "$OUTFILE"; done < "$DATA/photos.txt"

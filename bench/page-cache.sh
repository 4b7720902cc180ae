#!/usr/bin/env bash
# The storefront pages served warm from the page cache, beside the same pages rendered for every
# view (a second instance on the same databases with PageCache__Enabled=false) and beside the empty
# ASP.NET Core Razor Pages template page (`dotnet new webapp`, made from the SDK's own template and
# published here), all in one run and in turns, so the ratios survive this machine's noise.
#   bench/page-cache.sh                    # the 2,400-product demo catalog
#   PRODUCTS=1000000 bench/page-cache.sh   # the 1,000,000-product catalog (loaded once, kept)
# Environment: PRODUCTS (2400), DURATION (15s), WARMUP (10s), CONNECTIONS (16), PASSES (2),
# KINDS ("product category search"), BASELINE (a commit: its build is run beside the others, on the
# same databases, as "before"; e.g. BASELINE=13c369c, the store before the page cache).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
source bench/lib.sh

PRODUCTS="${PRODUCTS:-2400}"
bench_prepare "$ROOT/.data/bench-pages-$PRODUCTS" $((5561 + (PRODUCTS % 97))) $((6561 + (PRODUCTS % 97)))
bench_seed_catalog "$PRODUCTS"
(cd "$DATA/app" && dotnet Storefront.Web.dll migrate) >/dev/null
# The search index is built once here (the instances share the data folder), not by each instance
# at start while it is being measured.
if [ ! -f "$DATA/search/current" ]; then
  log "Building the search index"
  (cd "$DATA/app" && dotnet Storefront.Web.dll reindex) 2>&1 | grep -E 'rebuilt' || true
fi

TEMPLATE="$DATA/empty-template"
if [ ! -f "$TEMPLATE/EmptyPage.dll" ]; then
  log "Making the empty Razor Pages template app (dotnet new webapp)"
  work=$(mktemp -d)
  (cd "$work" && dotnet new webapp -n EmptyPage -o src --no-https >/dev/null && dotnet publish src -c Release -o "$TEMPLATE" -nologo -v quiet >/dev/null)
  rm -rf "$work"
fi
(cd "$TEMPLATE" && ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning exec dotnet EmptyPage.dll --urls "http://127.0.0.1:5199") > "$DATA/empty.log" 2>&1 &
EMPTY=$!
bench_start_app 5097
CACHED=$APP
export PageCache__Enabled=false
bench_start_app 5096
unset PageCache__Enabled
APP="$APP $CACHED $EMPTY"
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:5199/" >/dev/null && break; sleep 0.5; done
if [ -n "${BASELINE:-}" ]; then bench_start_baseline "$BASELINE" 5095; fi

psql_q "SELECT '/p/' || slug FROM catalog.products WHERE is_published ORDER BY random() LIMIT 2000" > "$DATA/product.txt"
psql_q "SELECT '/c/' || slug FROM catalog.categories" > "$DATA/category.txt"
psql_q "SELECT DISTINCT '/search?q=' || replace(replace(lower(brand), '&', '%26'), ' ', '+') FROM catalog.products LIMIT 200" > "$DATA/search.txt"
echo "/" > "$DATA/empty.txt"

OUTFILE="$OUT/page-cache.txt"
echo "# $(date -u +%FT%TZ) $(git log --oneline -1 | cut -c1-60) products=$PRODUCTS wrk -t1 -c${CONNECTIONS:-16} -d${DURATION:-15s}, $(nproc) cores" | tee -a "$OUTFILE"
for pass in $(seq 1 "${PASSES:-2}"); do
  bench_wrk 5199 "$DATA/empty.txt" "pass $pass empty-template"
  for kind in ${KINDS:-product category search}; do
    bench_wrk 5097 "$DATA/$kind.txt" "pass $pass $kind cached"
    bench_wrk 5096 "$DATA/$kind.txt" "pass $pass $kind uncached"
    if [ -n "${BASELINE:-}" ]; then bench_wrk 5095 "$DATA/$kind.txt" "pass $pass $kind before ($BASELINE)"; fi
  done
done

# What a shopper downloads for one product page (HTML, CSS, JS, images), first view and repeat view.
page=$(head -1 "$DATA/product.txt")
weigh() { # <label> <extra curl options>
  local total=0 html
  html=$(curl -s $2 -w '\n%{size_download}' "http://127.0.0.1:5097$page")
  total=$(echo "$html" | tail -1)
  for asset in $(echo "$html" | grep -oE '(href|src)="/[^"]+\.(css|js|png|jpg|jpeg|webp|svg)[^"]*"' | sed -E 's/^(href|src)="//; s/"$//' | sort -u); do
    total=$((total + $(curl -s $2 -o /dev/null -w '%{size_download}' "http://127.0.0.1:5097$asset")))
  done
  echo "page weight $1: $total bytes (HTML, CSS, JS and images of $page)" | tee -a "$OUTFILE"
}
weigh "first view" ""
weigh "first view, compressed" "--compressed"
etag=$(curl -s -D - -o /dev/null "http://127.0.0.1:5097$page" | grep -i '^etag:' | cut -d' ' -f2 | tr -d '\r' || true)
if [ -z "$etag" ]; then
  echo "page weight repeat view: the page has no ETag (the page cache is off), so it is sent whole again" | tee -a "$OUTFILE"
else
  repeat=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' -H "If-None-Match: $etag" "http://127.0.0.1:5097$page")
  echo "page weight repeat view: the page answers ${repeat% *} with ${repeat#* } bytes; CSS, JS and images are immutable and not asked again" | tee -a "$OUTFILE"
fi

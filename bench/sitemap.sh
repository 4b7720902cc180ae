#!/usr/bin/env bash
# Serving the whole sitemap set of a 1,000,000-product catalog: the index, the categories' file and
# every products file (50,000 addresses each), first as written from the database (nothing kept)
# and then as kept, with the time of each file, the bytes sent (gzip) and the store's memory: its
# resident size before, after, and its peak (VmHWM) over the run. The catalog is the one
# bench/page-cache.sh loads (the same data folder), so it is loaded once for both.
#   bench/sitemap.sh
# Environment: PRODUCTS (1000000).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
source bench/lib.sh

PRODUCTS="${PRODUCTS:-1000000}"
bench_prepare "$ROOT/.data/bench-pages-$PRODUCTS" $((5561 + (PRODUCTS % 97))) $((6561 + (PRODUCTS % 97)))
bench_seed_catalog "$PRODUCTS"
(cd "$DATA/app" && dotnet Storefront.Web.dll migrate) >/dev/null
bench_start_app 5093
BASE="http://127.0.0.1:5093"
# The app is started by "exec dotnet …": its process id is the dotnet process's.
memory() { awk -v k="$1" '$1 == k":" { printf "%.0f", $2 / 1024 }' "/proc/$APP/status"; }

OUTFILE="$OUT/sitemap.txt"
gc_mode="the app's setting (server GC)"
[ -n "${DOTNET_gcServer+set}" ] && gc_mode="DOTNET_gcServer=$DOTNET_gcServer"
published=$(psql_q "SELECT count(*) FROM catalog.products WHERE is_published")
echo "# $(date -u +%FT%TZ) $(git log --oneline -1 | cut -c1-60) products=$PRODUCTS published=$published, GC: $gc_mode, $(nproc) cores" | tee -a "$OUTFILE"
curl -sf "$BASE/" >/dev/null # the first page, so start-up work is not counted
echo "resident before: $(memory VmRSS) MB, peak so far $(memory VmHWM) MB" | tee -a "$OUTFILE"
for pass in written kept; do
  t0=$(date +%s.%N)
  index=$(curl -sf --compressed "$BASE/sitemap.xml")
  t1=$(date +%s.%N)
  files=$(echo "$index" | grep -oE '<loc>[^<]+</loc>' | sed -E 's#<loc>https?://[^/]+##; s#</loc>##')
  total_bytes=0; total_urls=0; slowest=0
  for f in $files; do
    s0=$(date +%s.%N)
    bytes=$(curl -sf -H 'Accept-Encoding: gzip' -o "$DATA/sitemap-part.gz" -w '%{size_download}' "$BASE$f")
    s1=$(date +%s.%N)
    urls=$(gunzip -c "$DATA/sitemap-part.gz" | grep -o '<url>' | wc -l)
    total_bytes=$((total_bytes + bytes)); total_urls=$((total_urls + urls))
    slowest=$(awk -v a="$s0" -v b="$s1" -v m="$slowest" 'BEGIN { d = b - a; print (d > m ? d : m) }')
  done
  t2=$(date +%s.%N)
  printf '%s: index %.3f s; %d files, %d addresses, %d bytes gzip in %.2f s (slowest file %.3f s)\n' \
    "$pass" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "$(echo "$files" | wc -l)" "$total_urls" "$total_bytes" \
    "$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')" "$slowest" | tee -a "$OUTFILE"
  echo "resident after $pass: $(memory VmRSS) MB, peak $(memory VmHWM) MB" | tee -a "$OUTFILE"
done

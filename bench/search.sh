#!/usr/bin/env bash
# Search on the 1,000,000-product catalog: index build time, then p50/p95/p99 of a fixed mix of
# full-text, filtered, faceted and autocomplete queries in process (the Lucene index and PostgreSQL
# full-text search side by side, same data, same queries) and over HTTP (wrk on the same machine).
#   bench/search.sh                  # 1,000,000 products (loaded once, shared with catalog-pages.sh)
#   PRODUCTS=2400 bench/search.sh    # the demo catalog
# Environment: PRODUCTS, DURATION (20s), WARMUP (20s, the first time per kind), CONNECTIONS ("1 4": one run per count), THREADS (1), PORT (5081), ROUNDS (3, in process),
# REBUILD (1; 0 keeps the Lucene index and the FTS table of an earlier run instead of timing their builds again),
# IN_PROCESS (1; 0 goes straight to the HTTP runs, reusing the query mix of an earlier run),
# ENGINES ("lucene postgres-fts": the engines timed in process).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
source bench/lib.sh

PRODUCTS="${PRODUCTS:-1000000}"
DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-1 4}"
THREADS="${THREADS:-1}"
PORT="${PORT:-5081}"
bench_prepare "$ROOT/.data/bench-$PRODUCTS" $((5434 + (PRODUCTS % 97))) $((6390 + (PRODUCTS % 97)))
bench_seed_catalog "$PRODUCTS"
RESULTS="$OUT/search-$PRODUCTS.txt"
WORK="$DATA/search-bench"
mkdir -p "$WORK"
log "Building the search benchmark"
dotnet build bench/Storefront.SearchBench -c Release --nologo -v quiet >/dev/null
BENCH=(dotnet bench/Storefront.SearchBench/bin/Release/net10.0/Storefront.SearchBench.dll)
PG="$ConnectionStrings__Postgres"

{
  echo "# $(date -u +%FT%TZ) products=$PRODUCTS, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  (cd "$DATA/app" && dotnet Storefront.Web.dll migrate >/dev/null)
  if [ "${REBUILD:-1}" = 1 ] || [ ! -f "$DATA/search/current" ]; then
    log "Building the Lucene index from the catalog (the app's reindex command)"
    (cd "$DATA/app" && dotnet Storefront.Web.dll reindex) 2>&1 | grep -E 'rebuilt'
  fi
  echo "lucene index size: $(du -sh "$DATA/search/$(cat "$DATA/search/current")" | cut -f1)"
  if [ "${REBUILD:-1}" = 1 ] || [ "$(psql_q "SELECT to_regclass('bench_fts.products') IS NOT NULL")" != t ]; then
    log "Building the PostgreSQL full-text table and GIN indexes"
    "${BENCH[@]}" fts-setup "$PG"
  fi
  echo "postgres fts size: $(psql_q "SELECT pg_size_pretty(pg_total_relation_size('bench_fts.products'))")"
  if [ "${IN_PROCESS:-1}" = 1 ] || [ ! -f "$WORK/queries.tsv" ]; then
    "${BENCH[@]}" queries "$PG" "$WORK"
    log "In process, one query at a time"
    "${BENCH[@]}" run "$PG" "$DATA/search/$(cat "$DATA/search/current")" "$WORK" "${ROUNDS:-3}"
  fi
} | tee -a "$RESULTS"

bench_start_app "$PORT"
BASE="http://127.0.0.1:$PORT"
run() {
  local name="$1" file="$2" connections="$3"
  [ "$connections" != "${CONNECTIONS%% *}" ] || URLS_FILE="$file" wrk -t "$THREADS" -c 4 -d "${WARMUP:-20s}" -s bench/report.lua "$BASE/" >/dev/null
  local line
  line=$(URLS_FILE="$file" wrk -t "$THREADS" -c "$connections" -d "$DURATION" -s bench/report.lua "$BASE/" | grep '^RESULT')
  printf 'http %-10s c=%-3s %s\n' "$name" "$connections" "${line#RESULT }" | tee -a "$RESULTS"
}
for connections in $CONNECTIONS; do
  log "Over HTTP: wrk -t$THREADS -c$connections -d$DURATION per kind"
  for kind in full filtered faceted browse suggest; do run "$kind" "$WORK/search-$kind.txt" "$connections"; done
done

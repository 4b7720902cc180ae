#!/usr/bin/env bash
# How long pages take while Redis is down, beside the same pages with Redis up, and how soon after
# Redis returns the store is whole again (/health/ready answers 200), in one run. Redis is stopped
# for real (its process killed), as an operator would see it fail; the client's timeouts are the
# defaults of a plain connection string (5 s).
#   bench/redis-outage.sh                  # the store as it is
#   BASELINE=8318fc9 bench/redis-outage.sh # and the build of an earlier commit beside it
# Environment: PRODUCTS (2400), ROUNDS (5: timed views of each page in each state), BASELINE.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
source bench/lib.sh

PRODUCTS="${PRODUCTS:-2400}"
REDIS_PORT=$((6561 + (PRODUCTS % 97)))
bench_prepare "$ROOT/.data/bench-pages-$PRODUCTS" $((5561 + (PRODUCTS % 97))) "$REDIS_PORT"
bench_seed_catalog "$PRODUCTS"
(cd "$DATA/app" && dotnet Storefront.Web.dll migrate) >/dev/null
export Storefront__Admin__Email="bench-admin@storefront.test" Storefront__Admin__Password="Bench-Admin-2024-outage"

declare -A PORTS=([now]=5094)
bench_start_app 5094
STARTED="$APP"
if [ -n "${BASELINE:-}" ]; then
  APP="$STARTED"
  bench_start_baseline "$BASELINE" 5093
  STARTED="$APP"
  PORTS[before]=5093
fi
APP="$STARTED"

# A signed-in merchant per instance.
for name in "${!PORTS[@]}"; do bench_sign_in "${PORTS[$name]}" "$DATA/jar-$name"; done

# Product pages never viewed before, so each view renders (a cached page would not ask Redis).
psql_q "SELECT '/p/' || slug FROM catalog.products WHERE is_published ORDER BY random() LIMIT 400" > "$DATA/fresh-products.txt"
next_product=0
PAGES="/admin /admin/products /admin/orders /account /cart product"
OUTFILE="$OUT/redis-outage.txt"
echo "# $(date -u +%FT%TZ) $(git log --oneline -1 | cut -c1-60) products=$PRODUCTS rounds=${ROUNDS:-5}, $(nproc) cores, median of the rounds" | tee -a "$OUTFILE"

# Prints "<page> <status> <median ms>" for every page on every instance.
measure() { # <state label>
  local name page path i times status
  for name in "${!PORTS[@]}"; do
    for page in $PAGES; do
      times=()
      for i in $(seq 1 "${ROUNDS:-5}"); do
        if [ "$page" = product ]; then
          next_product=$((next_product + 1)); path=$(sed -n "${next_product}p" "$DATA/fresh-products.txt")
        else path="$page"; fi
        read -r status t <<<"$(curl -s -o /dev/null -b "$DATA/jar-$name" -w '%{http_code} %{time_total}' "http://127.0.0.1:${PORTS[$name]}$path")"
        times+=("$(awk -v t="$t" 'BEGIN { printf "%.0f", t * 1000 }')")
      done
      median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (${#times[@]} + 1) / 2 ))p")
      echo "$1 $name $page status=$status median_ms=$median all_ms=$(IFS=,; echo "${times[*]}")" | tee -a "$OUTFILE"
    done
  done
}

measure "redis-up"
log "Stopping Redis"
kill "$(cat "$DATA/redis/redis.pid")"
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || break; sleep 0.1; done
sleep 2
measure "redis-down"
log "Starting Redis again"
t0=$(date +%s.%N)
start_private_redis "$DATA" "$REDIS_PORT" >/dev/null
for name in "${!PORTS[@]}"; do
  for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:${PORTS[$name]}/health/ready" && break; sleep 0.1; done
  echo "redis-back $name ready_after_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')" | tee -a "$OUTFILE"
done
measure "redis-back"

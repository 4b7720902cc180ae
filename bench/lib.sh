# Shared set-up of the HTTP benchmarks: private servers, Production settings and a published app.
# Usage: bench_prepare <data folder> <postgres port> <redis port>; sets DATA, OUT, PGPORT.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

bench_prepare() {
  DATA="$1"; PGPORT="$2"
  OUT="$ROOT/bench/results"
  mkdir -p "$DATA" "$OUT"
  ensure_packages postgres redis
  command -v wrk >/dev/null || { as_root apt-get update -qq; DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq wrk >/dev/null; }
  start_private_postgres "$DATA" "$PGPORT"
  start_private_redis "$DATA" "$3"
  # The servers (and the app, once started) stop with the script, whether it ends or is interrupted.
  trap bench_cleanup EXIT
  export ConnectionStrings__Postgres="$PRIVATE_PG;Maximum Pool Size=64;No Reset On Close=true"
  export ConnectionStrings__Redis="$PRIVATE_REDIS"
  export ASPNETCORE_ENVIRONMENT=Production
  export Storefront__SeedDemoCatalogOnStartup=false
  export Storefront__DataPath="$DATA"
  export Logging__LogLevel__Default=Warning
  # The load comes from one address, the loopback: the per-address protections that would stop a
  # real script (rate limits, the per-address hold limits) are lifted so the figures measure the store.
  local policy
  for policy in Search Suggest Visitor SearchClick CartWrites Checkout OrderTracking SignIn Registration PasswordReset PerAccount MerchantUnlock; do
    export "RateLimits__${policy}__PermitLimit=1000000"
  done
  export Cart__ClientHolds__Enabled=false
  log "Publishing the app (Release)"
  dotnet publish Storefront.Web -c Release -o "$DATA/app" --nologo -v quiet >/dev/null
}

bench_cleanup() {
  # shellcheck disable=SC2086 # APP may hold several process ids
  [ -n "${APP:-}" ] && kill $APP 2>/dev/null || true
  stop_private_servers "$DATA" >/dev/null 2>&1 || true
}

# Loads a catalog of this many products once per data folder (the seconds it took go to $DATA/seeded).
bench_seed_catalog() {
  if [ ! -f "$DATA/seeded" ]; then
    log "Loading $1 products"
    local t0=$SECONDS
    (cd "$DATA/app" && dotnet Storefront.Web.dll seed-large "$1")
    echo $((SECONDS - t0)) > "$DATA/seeded"
  fi
}

# Starts the published app on a port and waits until it is ready; stops it when the script exits.
bench_start_app() {
  local port="$1"
  export Storefront__PublicUrl="http://127.0.0.1:$port"
  (cd "$DATA/app" && exec dotnet Storefront.Web.dll --urls "http://127.0.0.1:$port") > "$DATA/app.log" 2>&1 &
  APP=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
}

psql_q() { pg_run "$(pg_bin)/psql" -h "/tmp/storefront-pg-$PGPORT" -p "$PGPORT" -U "$([ "$(id -u)" = 0 ] && echo postgres || id -un)" -d storefront -tAc "$1"; }

# Publishes an earlier commit's build once per data folder and starts it on a port, on the same
# databases and settings, as "before" beside the current build; its process joins APP.
bench_start_baseline() { # <commit> <port>
  local before="$DATA/baseline-$1" work
  if [ ! -f "$before/Storefront.Web.dll" ]; then
    log "Publishing $1 as the baseline"
    work=$(mktemp -d)
    git archive "$1" | tar -x -C "$work"
    (cd "$work" && dotnet publish Storefront.Web -c Release -o "$before" --nologo -v quiet >/dev/null)
    rm -rf "$work"
  fi
  (cd "$before" && Storefront__PublicUrl="http://127.0.0.1:$2" exec dotnet Storefront.Web.dll --urls "http://127.0.0.1:$2") > "$DATA/baseline.log" 2>&1 &
  APP="${APP:-} $!"
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$2/health/ready" >/dev/null && break; sleep 0.5; done
}

# One wrk measurement of the URLs in a file (picked at random by bench/report.lua): a warm-up run,
# then the measured one, printed as "<label> requests=… rps=… p50_ms=…" and appended to $OUTFILE.
bench_wrk() { # <port> <urls file> <label>
  URLS_FILE="$2" wrk -t1 -c"${CONNECTIONS:-16}" -d"${WARMUP:-10s}" -s bench/report.lua "http://127.0.0.1:$1/" >/dev/null
  local line
  line=$(URLS_FILE="$2" wrk -t1 -c"${CONNECTIONS:-16}" -d"${DURATION:-15s}" -s bench/report.lua "http://127.0.0.1:$1/" | grep '^RESULT')
  echo "$3 ${line#RESULT }" | tee -a "$OUTFILE"
}

# Signs the configured merchant (Storefront__Admin__Email / __Password) in to the instance on a port,
# keeping the session in a cookie jar; stops the script when the admin area does not open.
bench_sign_in() { # <port> <cookie jar>
  local page token
  page=$(curl -s -c "$2" -b "$2" "http://127.0.0.1:$1/account/login")
  token=$(echo "$page" | grep -oP 'name="__RequestVerificationToken" type="hidden" value="\K[^"]+' | head -1)
  curl -s -o /dev/null -c "$2" -b "$2" --data-urlencode "Input.Email=$Storefront__Admin__Email" \
    --data-urlencode "Input.Password=$Storefront__Admin__Password" --data-urlencode "__RequestVerificationToken=$token" \
    "http://127.0.0.1:$1/account/login"
  [ "$(curl -s -o /dev/null -w '%{http_code}' -b "$2" "http://127.0.0.1:$1/admin")" = 200 ] || { echo "sign-in failed on port $1" >&2; exit 1; }
}

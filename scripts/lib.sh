# Shared shell helpers for ./storefront and the benchmark scripts.

log() { printf '\033[1m[storefront]\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root to run: $*"; return 1; fi
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# Installs the Debian packages for what is missing; quick when everything is there.
ensure_packages() {
  local missing=()
  for what in "$@"; do
    case "$what" in
      postgres) [ -x "$(pg_bin)/initdb" ] || missing+=(postgresql postgresql-contrib) ;;
      redis) command -v redis-server >/dev/null || missing+=(redis-server) ;;
      chromium) [ -x /usr/bin/chromium ] || missing+=(chromium fonts-dejavu-core) ;;
      compose) command -v docker-compose >/dev/null || missing+=(docker-compose) ;;
    esac
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "Installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # The Debian package starts its own cluster and server; ours are private, so theirs may stay.
}

appsetting() {
  # ConnectionStrings:<name> from appsettings.json, empty when unset.
  grep -oP "\"$1\"\\s*:\\s*\"\\K[^\"]*" Storefront.Web/appsettings.json 2>/dev/null | head -n 1 || true
}

# PostgreSQL refuses to run as root: then the data folder belongs to the postgres user, and it
# must be able to reach it (a project under /root is not reachable, so the data goes to /var/lib).
pg_dir_for() {
  local base="$1"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$(dirname "$base")" 2>/dev/null; then
    echo "/var/lib/storefront/$(printf '%s' "$base" | md5sum | cut -c1-10)/pg"
  else
    echo "$base/pg"
  fi
}

pg_run() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_private_postgres() {
  local base="$1" port="$2" bin dir sock user
  bin="$(pg_bin)"
  dir="$(pg_dir_for "$base")"
  sock="/tmp/storefront-pg-$port"
  user="$([ "$(id -u)" = 0 ] && echo postgres || id -un)"
  mkdir -p "$dir" "$sock"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir" "$sock"; fi
  if [ ! -f "$dir/PG_VERSION" ]; then
    log "Creating a private PostgreSQL cluster in $dir"
    pg_run "$bin/initdb" -D "$dir" -U "$user" --auth=trust --no-sync -E UTF8 >/dev/null
  fi
  if ! pg_run "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    log "Starting PostgreSQL on port $port"
    pg_run "$bin/pg_ctl" -D "$dir" -w -l "$dir/server.log" \
      -o "-p $port -k $sock -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=512MB" start >/dev/null
  fi
  pg_run "$bin/psql" -h "$sock" -p "$port" -U "$user" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='storefront'" | grep -q 1 \
    || pg_run "$bin/createdb" -h "$sock" -p "$port" -U "$user" storefront
  PRIVATE_PG="Host=127.0.0.1;Port=$port;Username=$user;Database=storefront;Maximum Pool Size=100"
}

start_private_redis() {
  local base="$1" port="$2"
  mkdir -p "$base/redis"
  if ! redis-cli -p "$port" ping >/dev/null 2>&1; then
    log "Starting Redis on port $port"
    redis-server --port "$port" --bind 127.0.0.1 --dir "$base/redis" --daemonize yes \
      --pidfile "$base/redis/redis.pid" --logfile "$base/redis/redis.log" --appendonly yes --save ""
    for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  PRIVATE_REDIS="127.0.0.1:$port"
}

stop_private_servers() {
  local base="$1" dir
  dir="$(pg_dir_for "$base")"
  [ -f "$dir/PG_VERSION" ] && pg_run "$(pg_bin)/pg_ctl" -D "$dir" -m fast stop || true
  [ -f "$base/redis/redis.pid" ] && kill "$(cat "$base/redis/redis.pid")" 2>/dev/null || true
}

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
  # Redis opens its log file after moving into --dir: the paths must not be relative.
  base="$(cd "$base" && pwd)"
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

# Runs `dotnet test` in a process group of its own, with a folder that this command owns
# (STOREFRONT_TEST_ROOT: the fixtures start their PostgreSQL and Redis servers under it). Whether the
# tests pass, fail, or the run is interrupted (Ctrl+C, SIGTERM) or the test host crashes, the trap
# stops the test processes and every server started under the folder, then removes it: nothing the
# test command starts outlives it. pg_ctl detaches PostgreSQL into a session of its own, so killing
# the process group alone would not reach it; its postmaster.pid under the folder does.
run_tests() {
  TEST_ROOT="$(mktemp -d /tmp/sf-test.XXXXXX)"
  chmod 755 "$TEST_ROOT" # the postgres user (when run as root) must reach its data folder
  export STOREFRONT_TEST_ROOT="$TEST_ROOT"
  TEST_PID=""
  trap 'stop_test_run' EXIT
  trap 'stop_test_run; exit 130' INT
  trap 'stop_test_run; exit 143' TERM
  setsid dotnet test Storefront.slnx -c Release --no-build -nologo "$@" &
  TEST_PID=$!
  local rc=0
  wait "$TEST_PID" || rc=$?
  stop_test_run || rc=1
  return "$rc"
}

# A process that runs (a zombie waiting for its parent to reap it counts as ended).
running() { [ -r "/proc/$1/stat" ] && ! awk '{ exit ($3 == "Z" ? 0 : 1) }' "/proc/$1/stat" 2>/dev/null; }

# Stops what `run_tests` started; safe to call twice. Fails when something is still running after.
stop_test_run() {
  [ -n "${TEST_ROOT:-}" ] || return 0
  local root="$TEST_ROOT" pid f left
  TEST_ROOT=""
  if [ -n "${TEST_PID:-}" ] && kill -0 "$TEST_PID" 2>/dev/null; then
    log "Stopping the test run"
    kill -TERM -- "-$TEST_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 -- "-$TEST_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  [ -n "${TEST_PID:-}" ] && kill -KILL -- "-$TEST_PID" 2>/dev/null || true
  for f in "$root"/*/data/postmaster.pid "$root"/*/redis.pid; do
    [ -f "$f" ] || continue
    pid="$(head -n 1 "$f")"
    # A negative pid is initdb's bootstrap backend (a process-group id to kill): the group kill took it.
    [[ "$pid" =~ ^[0-9]+$ ]] && running "$pid" || continue
    # SIGQUIT is PostgreSQL's immediate shutdown (its data is thrown away anyway); SIGTERM for Redis.
    case "$f" in *postmaster.pid) kill -QUIT "$pid" 2>/dev/null || true ;; *) kill -TERM "$pid" 2>/dev/null || true ;; esac
    for _ in $(seq 1 50); do running "$pid" || break; sleep 0.1; done
    running "$pid" && kill -KILL "$pid" 2>/dev/null || true
  done
  # Anything else whose command line names the folder (a server that had not written its pid file yet).
  for pid in $(pgrep -f -- "$root/" || true); do kill -KILL "$pid" 2>/dev/null || true; done
  sleep 0.2
  rm -rf "$root"
  left="$(for pid in $(pgrep -f -- "$root/" || true); do running "$pid" && echo "$pid"; done)"
  if [ -n "$left" ]; then
    log "Still running after the test run: $left"
    return 1
  fi
}

# Sets libpq's PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE from an Npgsql connection string
# ("Host=…;Port=…;Username=…;Password=…;Database=…"), for pg_dump and pg_restore.
use_connection_string() {
  local pair key value
  local -a pairs
  unset PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE
  IFS=';' read -ra pairs <<< "$1"
  for pair in "${pairs[@]}"; do
    key="$(printf '%s' "${pair%%=*}" | tr '[:upper:]' '[:lower:]' | tr -d ' ')"
    value="${pair#*=}"
    case "$key" in
      host|server) export PGHOST="$value" ;;
      port) export PGPORT="$value" ;;
      username|userid|user) export PGUSER="$value" ;;
      password) export PGPASSWORD="$value" ;;
      database) export PGDATABASE="$value" ;;
    esac
  done
}

# Writes one archive of what a store cannot rebuild: the database (pg_dump's custom format), the
# Data Protection keys (sign-in cookies, order links) and the uploaded pictures of the data folder.
# The search index, the page cache and Redis are rebuilt from the database and are left out.
storefront_backup() {
  local file="$1" data="$2" work part
  work="$(mktemp -d)"
  "$(pg_bin)/pg_dump" --format=custom --no-owner --file "$work/storefront.dump"
  for part in keys images; do
    if [ -d "$data/$part" ]; then tar -C "$data" -cf "$work/$part.tar" "$part"; fi
  done
  tar -C "$work" -czf "$file" .
  rm -rf "$work"
}

# Puts an archive of storefront_backup back: the database as it was (in one transaction: all of it
# or nothing), then the keys and pictures. The store must be stopped meanwhile.
storefront_restore() {
  local file="$1" data="$2" work part
  work="$(mktemp -d)"
  tar -C "$work" -xzf "$file"
  [ -f "$work/storefront.dump" ] || { rm -rf "$work"; echo "$file is not a Storefront backup (no storefront.dump in it)" >&2; return 1; }
  "$(pg_bin)/pg_restore" --clean --if-exists --no-owner --single-transaction --exit-on-error --dbname "$PGDATABASE" "$work/storefront.dump"
  mkdir -p "$data"
  for part in keys images; do
    if [ -f "$work/$part.tar" ]; then rm -rf "${data:?}/$part"; tar -C "$data" -xf "$work/$part.tar"; fi
  done
  rm -rf "$work"
}

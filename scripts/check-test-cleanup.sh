#!/usr/bin/env bash
# Checks that nothing the test command starts outlives it: runs the tests (already built, as
# `./storefront test` does after building) three ways — to the end, interrupted with SIGTERM once the
# servers run, and with the test host killed (a crash) — and after each looks for any server left.
#   scripts/check-test-cleanup.sh        (after `dotnet build Storefront.slnx -c Release`)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
FILTER="FullyQualifiedName~AdminPagesTests.A_wrong_password"

new_root() { # the sf-test folder the run started, once its PostgreSQL server runs
  local before="$1"
  for _ in $(seq 1 600); do
    for d in /tmp/sf-test.*; do
      [ -d "$d" ] || continue
      grep -qxF "$d" <<<"$before" && continue
      # The postmaster's pid file has a positive pid (initdb's bootstrap backend writes a negative one).
      grep -qE '^[0-9]+$' <(head -qn 1 "$d"/sf-pg-*/data/postmaster.pid 2>/dev/null) && ls "$d"/sf-redis-*/redis.pid >/dev/null 2>&1 && { echo "$d"; return; }
    done
    sleep 0.1
  done
  echo "no test servers appeared" >&2; return 1
}


check() { # $1: what; $2: how to end the run (none | TERM | crash)
  local before root pids rc=0
  before="$(ls -d /tmp/sf-test.* 2>/dev/null || true)"
  ( run_tests --filter "$FILTER" >/dev/null 2>&1 ) &
  local runner=$!
  root="$(new_root "$before")"
  pids="$(for f in "$root"/sf-pg-*/data/postmaster.pid "$root"/sf-redis-*/redis.pid; do head -n 1 "$f"; done)"
  case "$2" in
    TERM) kill -TERM "$runner" ;;
    crash) for p in $(pgrep -f -- "testhost" || true); do
             grep -qzF "STOREFRONT_TEST_ROOT=$root" "/proc/$p/environ" 2>/dev/null && kill -KILL "$p"; done ;;
  esac
  wait "$runner" || rc=$?
  for p in $pids; do
    if running "$p"; then log "FAIL ($1): server $p still runs"; return 1; fi
  done
  if [ -e "$root" ]; then log "FAIL ($1): $root still exists"; return 1; fi
  log "ok ($1): exit code $rc, servers $(echo $pids | tr '\n' ' ')stopped, folder removed"
}

check "tests run to the end" none
check "SIGTERM to the test command" TERM
check "test host killed" crash

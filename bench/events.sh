#!/usr/bin/env bash
# Delay from a committed change to its event's handler (trickle and burst), through the real
# event delivery against a private PostgreSQL. Environment: CHANGES (500), WORKERS (8).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
source scripts/lib.sh
ensure_packages postgres
DATA="$ROOT/.data/bench-events"
mkdir -p "$DATA"
start_private_postgres "$DATA" 5497
trap 'stop_private_servers "$DATA" >/dev/null 2>&1 || true' EXIT
dotnet run -c Release --project bench/Storefront.EventBench -- "$PRIVATE_PG" "${CHANGES:-500}" "${WORKERS:-8}" | grep '^RESULT' | tee -a "$ROOT/bench/results/events.txt"

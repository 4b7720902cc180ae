#!/usr/bin/env bash
# Stock holds per second on one hot SKU and spread over 10,000 SKUs, through IStockReservations
# against a private PostgreSQL. Environment: SECONDS_PER_MODE (15), WORKERS (16).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
source scripts/lib.sh
ensure_packages postgres
DATA="$ROOT/.data/bench-reservations"
mkdir -p "$DATA"
start_private_postgres "$DATA" 5499
trap 'stop_private_servers "$DATA" >/dev/null 2>&1 || true' EXIT
dotnet run -c Release --project bench/Storefront.Bench -- "$PRIVATE_PG" "${SECONDS_PER_MODE:-15}" "${WORKERS:-16}" | grep '^RESULT' | tee -a "$ROOT/bench/results/reservations.txt"

#!/usr/bin/env bash
# shared-harness.sh — add Custos as a target to the shared proxy benchmark (../shared/bench,
# outside this repo: nginx, a bare Node proxy, Hono, the Portkey gateway against its mock on
# 127.0.0.1:18700) and run it. Only runs when ../shared/bench exists.
#
#   bash bench/shared-harness.sh --quick     # ~2.5 min; every other argument goes to run.sh too
#   bash bench/shared-harness.sh             # full run, ~5 min
#   bash bench/shared-harness.sh --embedded  # Custos on its embedded PGlite instead of Postgres (first argument)
#
# Custos runs as `node bin/custos.mjs serve` with bench/policies, BENCH_UPSTREAM=$MOCK_URL (the
# harness exports MOCK_URL into the start command's shell), in a throw-away cwd under /tmp so its
# .custos/ keys and PGlite data stay out of the repo; the bearer token is minted there first.
# The harness's setup.sh installs wrk and nginx-light (apt) and its npm peers into /tmp/custos-bench.
# Reports: bench/results/shared/run-<time>.md and .json (gitignored).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
SHARED="${SHARED_BENCH_DIR:-$ROOT/../shared/bench}"
if [ ! -f "$SHARED/run.sh" ]; then
  echo "shared-harness: $SHARED not found; nothing to do (it lives outside this repo)" >&2
  exit 0
fi
SHARED="$(cd "$SHARED" && pwd)"
PORT="${CUSTOS_BENCH_PORT:-8790}"
STATE="$(mktemp -d /tmp/custos-shared-bench.XXXXXX)"
trap 'rm -rf "$STATE"' EXIT

TOKEN="$(cd "$STATE" && node "$ROOT/bin/custos.mjs" token --sub bench --team bench --ttl 1h 2>/dev/null)"
case "$TOKEN" in eyJ*) ;; *) echo "shared-harness: could not mint a token" >&2; exit 1 ;; esac

# As in production (and in npm run bench): the request log in real Postgres — a fresh
# custos_bench database on the local server, or BENCH_DATABASE_URL; --embedded for PGlite.
DB_ENV="CUSTOS_DATA_DIR=$STATE/data"
if [ "${1:-}" = "--embedded" ]; then
  shift
elif DB_URL="${BENCH_DATABASE_URL:-}" && { [ -n "$DB_URL" ] || { psql -h 127.0.0.1 -U postgres -qc 'drop database if exists custos_bench with (force)' -c 'create database custos_bench' >/dev/null 2>&1 && DB_URL=postgres://postgres@127.0.0.1:5432/custos_bench; }; }; then
  (cd "$STATE" && DATABASE_URL="$DB_URL" node "$ROOT/bin/custos.mjs" migrate >/dev/null)
  DB_ENV="DATABASE_URL=$DB_URL CUSTOS_KEK=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff CUSTOS_API_KEY_PEPPER=bench-pepper-0123456789abcdef"
else
  echo "shared-harness: no Postgres reachable; Custos uses its embedded database" >&2
fi

# Single quotes keep $MOCK_URL for the harness's shell (sh -c "exec <this>", run in $STATE).
START="env BENCH_UPSTREAM=\$MOCK_URL PORT=$PORT HOST=127.0.0.1 CUSTOS_POLICIES=$ROOT/bench/policies $DB_ENV LOG_LEVEL=warn CUSTOS_SHUTDOWN_GRACE_MS=2000 node $ROOT/bin/custos.mjs serve"

cd "$STATE"
bash "$SHARED/run.sh" \
  --target "custos=http://127.0.0.1:$PORT" \
  --start "custos=$START" \
  --header "custos=authorization:Bearer $TOKEN" \
  --out "$ROOT/bench/results/shared" \
  "$@"

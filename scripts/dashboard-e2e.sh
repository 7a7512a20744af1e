#!/usr/bin/env bash
# The dashboard's browser test (dashboard/e2e/dashboard.e2e.mjs, Playwright driving Debian's
# Chromium) against a real stack: builds the binaries and the dashboard, starts the simulator,
# the worker and the API on free ports with a fresh database, creates an API key, runs the
# test, and always tears everything down. `make test` runs it after the Rust tests.
#
# Servers: the ones `make test` started (CALLWRIGHT_TEST_DATABASE_URL,
# CALLWRIGHT_TEST_TEMPORAL_ADDRESS), or, when those are unset, a private Postgres and Temporal
# of its own. SIM_SPEED (default 0.4) paces the simulated callers: slow enough to watch a
# transcript stream in. Logs and screenshots: .run/dashboard-e2e/ (DASHBOARD_E2E_DIR).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CW_REPO"

OUT=${DASHBOARD_E2E_DIR:-$CW_REPO/.run/dashboard-e2e}
BIN=${CARGO_TARGET_DIR:-$CW_REPO/target}/debug
[[ -x /usr/bin/chromium || -n ${CHROMIUM:-} ]] || die "no /usr/bin/chromium: run scripts/deps.sh (or set CHROMIUM)"

cargo build --locked --bin callwright-sim --bin callwright-worker --bin callwright-api ||
  die "cargo build of callwright-sim, -worker and -api failed"
dashboard_build

rm -rf "$OUT"
mkdir -p "$OUT/screenshots"

OWN_SERVERS=0
if [[ -z ${CALLWRIGHT_TEST_DATABASE_URL:-} || -z ${CALLWRIGHT_TEST_TEMPORAL_ADDRESS:-} ]]; then
  OWN_SERVERS=1
  start_private_servers callwright-dash-e2e
  CALLWRIGHT_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres"
  CALLWRIGHT_TEST_TEMPORAL_ADDRESS="http://127.0.0.1:$TPORT"
fi

PSQL="$(pg_bin_dir)/psql"
DB=dashboard_e2e_$$_$RANDOM
"$PSQL" -q -v ON_ERROR_STOP=1 "$CALLWRIGHT_TEST_DATABASE_URL" -c "CREATE DATABASE $DB" ||
  die "could not create the database $DB"

# shellcheck disable=SC2317 # invoked by the EXIT trap
teardown() {
  local rc=$?
  trap - EXIT INT TERM
  local svc
  for svc in api worker sim; do stop_pidfile "$OUT/$svc.pid" "callwright-$svc" 10 || rc=1; done
  "$PSQL" -q "$CALLWRIGHT_TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  if ((OWN_SERVERS)); then
    (exit "$rc")
    _stop_private_servers
  fi
  exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

API_PORT=$(free_port)
SIM_PORT=$(free_port)
SMTP_PORT=$(free_port)
# Its own task queues: nothing else on the shared Temporal server picks up these workflows.
sim_stack_env "$CALLWRIGHT_TEST_TEMPORAL_ADDRESS" "${CALLWRIGHT_TEST_DATABASE_URL%/*}/$DB" \
  "$API_PORT" "$SIM_PORT" "$SMTP_PORT" \
  "TASK_QUEUE=dash-e2e-$$" "DIAL_TASK_QUEUE=dash-e2e-dial-$$" "DIAL_CALLS_PER_SECOND=5" \
  "DASHBOARD_DIR=$CW_REPO/dashboard/dist" "TEMPORAL_UI_URL=http://127.0.0.1:8233" \
  "SIM_SPEED=${SIM_SPEED:-0.4}" "RUST_LOG=${RUST_LOG:-info}" >"$OUT/env"
# shellcheck source=/dev/null
. "$OUT/env"

for svc in sim worker api; do
  start_bg "$OUT/$svc.pid" "$OUT/$svc.log" "$BIN/callwright-$svc"
done
for check in "sim http://127.0.0.1:$SIM_PORT/sim/health" "api http://127.0.0.1:$API_PORT/healthz"; do
  svc=${check%% *}
  wait_for_http "${check#* }" 60 || die_with_log "$OUT/$svc.log" "callwright-$svc did not become healthy"
done
pidfile_running "$OUT/worker.pid" || die_with_log "$OUT/worker.log" "callwright-worker exited during startup"

CALLWRIGHT_API_KEY=$(create_api_key "$BIN" "dashboard e2e") || die "callwright-api keys create failed"
export CALLWRIGHT_API_KEY
export DASHBOARD_URL="http://127.0.0.1:$API_PORT"
export SCREENSHOT_DIR="$OUT/screenshots"
if ! (cd dashboard && npm run --silent e2e); then
  show_log_tail "$OUT/worker.log" 20
  die "dashboard e2e failed: screenshots in $OUT/screenshots, logs in $OUT/{sim,worker,api}.log"
fi

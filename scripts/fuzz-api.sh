#!/usr/bin/env bash
# What `make fuzz-api` runs: schemathesis against the API's own OpenAPI document.
#
#   scripts/fuzz-api.sh [SCHEMATHESIS_RUN_ARGS...]
#
# Builds the API, starts a private Postgres and a headless Temporal dev server on free ports
# in a temp dir, starts the API against them, creates an API key (`callwright-api keys create
# --name fuzz`), then runs `schemathesis run http://127.0.0.1:PORT/openapi.json` with that key
# and the checks `not_a_server_error` (no 5xx) and `response_schema_conformance` (every
# response matches its documented schema); with FUZZ_CHECKS=all, every check schemathesis has
# (status codes, content types, headers, negative/positive data, auth, methods, use after
# free, ...) in every phase, the stateful one included. Everything started is stopped on
# exit; the exit status is schemathesis's (0 when no check failed).
#
# Left out: the Twilio webhooks (/twilio/*: signature-checked, every request is a 403) and
# GET /api/events (an endless SSE stream).
#
# Environment:
#   FUZZ_MAX_EXAMPLES=40    test cases per operation and phase (schemathesis --max-examples)
#   FUZZ_CHECKS=all         every check, in the phases examples, coverage, fuzzing and stateful
#                           (default: not_a_server_error,response_schema_conformance)
#   FUZZ_SEED=N             reproduce a run (schemathesis --seed)
#   FUZZ_WORKER=1           also start the simulator and the worker, so started campaigns dial
#                           (the API itself never calls the simulator)
#   FUZZ_PYTHON=python3     interpreter for the schemathesis venv (.run/fuzz/venv)
#   SCHEMATHESIS_SPEC='schemathesis>=4,<5'
# Settings per operation (what the schema cannot say): scripts/fuzz-api.toml.
# Reports (JUnit XML, NDJSON) and service logs: .run/fuzz/.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CW_REPO"

case ${1:-} in
-h | --help) sed -n '2,28p' "$0"; exit 0 ;;
esac

OUT=$CW_REPO/.run/fuzz
BIN=${CARGO_TARGET_DIR:-$CW_REPO/target}/debug
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-40}
mkdir -p "$OUT"

# --- schemathesis, in its own venv (PyPI) ----------------------------------------------
VENV=$OUT/venv
SPEC=${SCHEMATHESIS_SPEC:-schemathesis>=4,<5}
if ! "$VENV/bin/schemathesis" --version >/dev/null 2>&1; then
  py=${FUZZ_PYTHON:-}
  if [[ -z $py ]]; then
    for c in python3.12 python3.11 python3; do
      if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 9))'; then
        py=$c
        break
      fi
    done
  fi
  [[ -n $py ]] || die "no Python 3.9+ found for schemathesis (set FUZZ_PYTHON)"
  log "installing $SPEC into $VENV"
  "$py" -m venv "$VENV" >"$OUT/pip.log" 2>&1 || die_with_log "$OUT/pip.log" "python -m venv failed"
  "$VENV/bin/pip" install -q "$SPEC" >>"$OUT/pip.log" 2>&1 || die_with_log "$OUT/pip.log" "pip install $SPEC failed"
fi

# --- binaries --------------------------------------------------------------------------
PACKAGES=(-p callwright-api)
if [[ ${FUZZ_WORKER:-0} == 1 ]]; then PACKAGES+=(-p callwright-sim -p callwright-worker); fi
cargo build "${PACKAGES[@]}" --bins --locked || die "cargo build ${PACKAGES[*]} failed"

scripts/deps.sh

# --- servers ---------------------------------------------------------------------------
start_private_servers callwright-fuzz

# Stop the services, then the private servers (whose trap keeps the exit status).
# shellcheck disable=SC2317 # invoked by the EXIT trap
stop_all() {
  local rc=$?
  set +e # a failing stop must not skip the rest (nor `(exit "$rc")` end the trap)
  trap - EXIT
  for name in api worker sim; do
    stop_pidfile "$TMP/$name.pid" "callwright-$name" || true
  done
  (exit "$rc")
  _stop_private_servers
}
trap stop_all EXIT

API_PORT=$(free_port)
SIM_PORT=$(free_port)
SMTP_PORT=$(free_port)
export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/callwright"
export TEMPORAL_ADDRESS="http://127.0.0.1:$TPORT" TEMPORAL_NAMESPACE=default
export API_BIND="127.0.0.1:$API_PORT" PUBLIC_BASE_URL="http://127.0.0.1:$API_PORT"
export TWILIO_BASE_URL="http://127.0.0.1:$SIM_PORT" TWILIO_ACCOUNT_SID=ACsimulator0000000000000000000000
export TWILIO_AUTH_TOKEN=sim-auth-token TWILIO_FROM_NUMBER=+15005550006
export LLM_BASE_URL="http://127.0.0.1:$SIM_PORT/v1" LLM_API_KEY=sim-llm-key LLM_MODEL=scripted-sales-1
export GOOGLE_CALENDAR_BASE_URL="http://127.0.0.1:$SIM_PORT/calendar/v3" GOOGLE_CALENDAR_ID=sales@acme-solar.example
export GOOGLE_TOKEN_URI="http://127.0.0.1:$SIM_PORT/token" GOOGLE_OAUTH_CLIENT_ID=sim-client-id
export GOOGLE_OAUTH_CLIENT_SECRET=sim-client-secret GOOGLE_OAUTH_REFRESH_TOKEN=sim-refresh-token
export ZOOM_OAUTH_BASE_URL="http://127.0.0.1:$SIM_PORT" ZOOM_API_BASE_URL="http://127.0.0.1:$SIM_PORT/v2"
export ZOOM_ACCOUNT_ID=sim-zoom-account ZOOM_CLIENT_ID=sim-zoom-client ZOOM_CLIENT_SECRET=sim-zoom-secret
export SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" BOOKING_ORGANIZER_NAME="Acme Solar"
export BOOKING_ORGANIZER_EMAIL=sales@acme-solar.example
export SIM_BIND="127.0.0.1:$SIM_PORT" SIM_SMTP_BIND="127.0.0.1:$SMTP_PORT" SIM_SPEED=0.05
export SIM_ACCOUNT_SID=$TWILIO_ACCOUNT_SID SIM_AUTH_TOKEN=$TWILIO_AUTH_TOKEN SIM_LLM_API_KEY=$LLM_API_KEY
export RUST_LOG=${RUST_LOG:-info}

# start_svc NAME: target/debug/callwright-NAME in the background, its log in .run/fuzz/.
start_svc() {
  start_bg "$TMP/$1.pid" "$OUT/$1.log" "$BIN/callwright-$1"
}
# wait_svc NAME URL: until URL answers 2xx while the process stays up.
wait_svc() {
  local deadline=$((SECONDS + 60))
  until _http_ok "$2"; do
    pidfile_running "$TMP/$1.pid" || die_with_log "$OUT/$1.log" "callwright-$1 exited during startup"
    ((SECONDS < deadline)) || die_with_log "$OUT/$1.log" "callwright-$1: $2 not healthy after 60s"
    sleep 0.3
  done
}

rm -f "$OUT"/{api,worker,sim}.log
if [[ ${FUZZ_WORKER:-0} == 1 ]]; then
  start_svc sim
  wait_svc sim "http://127.0.0.1:$SIM_PORT/sim/health"
  start_svc worker
fi
start_svc api
wait_svc api "http://127.0.0.1:$API_PORT/readyz"

# The key is the first line of the output (read whole: `| head` could break the pipe).
KEY=$(create_api_key "$BIN" fuzz) || die "callwright-api keys create failed"
KEY=${KEY%%$'\n'*}
[[ $KEY == cwk_* ]] || die "could not create an API key (got '$KEY')"

# --- fuzz ------------------------------------------------------------------------------
REPORTS=junit,ndjson
args=(
  run "http://127.0.0.1:$API_PORT/openapi.json"
  --header "Authorization: Bearer $KEY"
  --max-examples "$MAX_EXAMPLES"
  --exclude-path-regex '^/twilio/'
  --exclude-path /api/events
  --request-timeout 35
  --workers 1
  --report "$REPORTS" --report-dir "$OUT/report"
)
case ${FUZZ_CHECKS:-} in
'') args+=(--checks not_a_server_error,response_schema_conformance) ;;
all)
  # No NUL characters in generated strings: Postgres text cannot hold one, so every text field
  # refuses it (a 400, or a 422 naming the field where the value is parsed first), a rule of
  # storage no schema states; the default run keeps generating them, where a NUL that slips
  # through shows as a 5xx.
  args+=(--checks all --phases examples,coverage,fuzzing,stateful --generation-allow-x00 false)
  ;;
*) die "FUZZ_CHECKS: '$FUZZ_CHECKS' is not 'all' (unset: the two default checks)" ;;
esac
if [[ -n ${FUZZ_SEED:-} ]]; then args+=(--seed "$FUZZ_SEED"); fi
status=0
# From .run/fuzz, where schemathesis and hypothesis keep their caches.
(cd "$OUT" && "$VENV/bin/schemathesis" --config-file "$CW_REPO/scripts/fuzz-api.toml" "${args[@]}" "$@") ||
  status=$?
if ((status != 0)); then
  log "schemathesis found failures (exit $status); API log: $OUT/api.log, reports: $OUT/report/"
fi
exit "$status"

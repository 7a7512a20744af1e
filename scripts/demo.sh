#!/usr/bin/env bash
# What `make demo` runs: the whole stack on this machine, no Docker, then the demo driver.
#
#   make demo              # stack stays up after the campaigns; Ctrl-C (or make demo-down) stops it
#   DEMO_EXIT=1 make demo  # tear down after the driver and exit with its status
#
# The driver (callwright-demo) saves the demo's agents (sim/data/demo-agents/), runs two
# campaigns (the energy agent's versions 1 and 2 split 50/50 over DEMO_LEADS, the software agent
# over DEMO_CRM_LEADS), then waits up to 60 s for the meetings booked on the calls to be confirmed
# and their invites to reach the simulator's SMTP sink (it reads both from the simulator, --sim);
# it exits 2 if a campaign did not complete and 3 if a meeting stayed reserved or an invite is
# missing.
#
# Ports (env overrides): DEMO_TEMPORAL_PORT=7233 DEMO_UI_PORT=8233 DEMO_PG_PORT=55432
# DEMO_API_PORT=8080 DEMO_SIM_PORT=8090 DEMO_SMTP_PORT=2525. State in .run/demo/ (DEMO_STATE_DIR): Postgres data
# and the Temporal SQLite file are kept between runs, so the UI still shows earlier runs.
# Logs: .run/demo/{sim,worker,api}.log, temporal/temporal.log, pg/postgres.log.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CW_REPO"

STATE=${DEMO_STATE_DIR:-$CW_REPO/.run/demo}
export DEMO_STATE_DIR=$STATE
T_PORT=${DEMO_TEMPORAL_PORT:-7233}
UI_PORT=${DEMO_UI_PORT:-8233}
PG_PORT=${DEMO_PG_PORT:-55432}
API_PORT=${DEMO_API_PORT:-8080}
SIM_PORT=${DEMO_SIM_PORT:-8090}
SMTP_PORT=${DEMO_SMTP_PORT:-2525}
LEADS=${DEMO_LEADS:-sim/data/demo-leads.csv}
CRM_LEADS=${DEMO_CRM_LEADS:-sim/data/demo-leads-crm.csv}
BIN=${CARGO_TARGET_DIR:-$CW_REPO/target}/debug

scripts/deps.sh

# A previous demo still running? Stop it (no-op otherwise).
scripts/demo-down.sh

for p in "$T_PORT" "$UI_PORT" "$PG_PORT" "$API_PORT" "$SIM_PORT" "$SMTP_PORT"; do
  if tcp_open 127.0.0.1 "$p"; then
    die "port $p is in use by another process (not this demo); free it or set DEMO_*_PORT (see scripts/demo.sh)"
  fi
done

cargo build --workspace --bins --locked || die "cargo build --workspace --bins failed"
for b in callwright-sim callwright-worker callwright-api callwright-demo; do
  [[ -x $BIN/$b ]] || die "cargo build did not produce $BIN/$b"
done
dashboard_build

mkdir -p "$STATE"
cat >"$STATE/ports" <<EOF
API_PORT=$API_PORT
SIM_PORT=$SIM_PORT
EOF

# From here on, any exit (error, Ctrl-C, DEMO_EXIT=1, kill) tears the stack down.
driver_status=0
SKIP_DOWN=0
on_exit() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if ((SKIP_DOWN == 0)); then scripts/demo-down.sh || rc=1; fi
  if ((rc == 0)); then rc=$driver_status; fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

scripts/pg.sh start "$STATE/pg" "$PG_PORT"
scripts/temporal.sh start "$STATE/temporal" "$T_PORT" "$UI_PORT"

ENVF=$STATE/env
{
  echo "# Environment of the demo processes (written by scripts/demo.sh)."
  sim_stack_env "http://127.0.0.1:$T_PORT" "postgres://postgres@127.0.0.1:$PG_PORT/callwright" \
    "$API_PORT" "$SIM_PORT" "$SMTP_PORT" \
    "TEMPORAL_UI_URL=http://127.0.0.1:$UI_PORT" \
    "DASHBOARD_DIR=$CW_REPO/dashboard/dist" \
    "SIM_SPEED=${SIM_SPEED:-0.1}" \
    "SIM_LLM_DELAY_MS=${SIM_LLM_DELAY_MS:-300}" \
    "SIM_LLM_TOKENS_PER_SEC=${SIM_LLM_TOKENS_PER_SEC:-80}" \
    "RUST_LOG=${RUST_LOG:-info}"
} >"$ENVF"
# shellcheck source=/dev/null
. "$ENVF"

# start_svc NAME: start target/debug/callwright-NAME in the background, log in $STATE.
start_svc() {
  local name=$1 logf=$STATE/$1.log
  [[ -f $logf ]] && mv -f "$logf" "$logf.prev"
  start_bg "$STATE/$name.pid" "$logf" "$BIN/callwright-$name"
}

# wait_svc NAME URL: wait for URL to answer 2xx while the process stays alive.
wait_svc() {
  local name=$1 url=$2 deadline=$((SECONDS + 60))
  until _http_ok "$url"; do
    pidfile_running "$STATE/$name.pid" || die_with_log "$STATE/$name.log" "callwright-$name exited during startup"
    ((SECONDS < deadline)) || die_with_log "$STATE/$name.log" "callwright-$name: $url not healthy after 60s"
    sleep 0.3
  done
}

start_svc sim
wait_svc sim "http://127.0.0.1:$SIM_PORT/sim/health"
start_svc worker
start_svc api
wait_svc api "http://127.0.0.1:$API_PORT/healthz"
pidfile_running "$STATE/worker.pid" || die_with_log "$STATE/worker.log" "callwright-worker exited during startup"

# The API wants a key: make one for this run (stored hashed; printed once).
CALLWRIGHT_API_KEY=$(create_api_key "$BIN" "demo $(date -u +%FT%TZ)") || die "callwright-api keys create failed"
export CALLWRIGHT_API_KEY
printf 'export CALLWRIGHT_API_KEY=%q   # API key of this demo run\n' "$CALLWRIGHT_API_KEY" >>"$ENVF"
echo "Dashboard: http://127.0.0.1:$API_PORT/ (sign in with the API key $CALLWRIGHT_API_KEY)"
"$BIN/callwright-demo" --api "http://127.0.0.1:$API_PORT" --sim "http://127.0.0.1:$SIM_PORT" \
  --leads "$LEADS" --crm-leads "$CRM_LEADS" --agents sim/data/demo-agents --temporal-ui "http://127.0.0.1:$UI_PORT" || driver_status=$?
if ((driver_status != 0)); then
  log "demo driver failed (exit $driver_status); logs: $STATE/{api,worker,sim}.log"
fi

if [[ ${DEMO_EXIT:-0} == 1 ]]; then
  exit "$driver_status" # the EXIT trap runs demo-down
fi

if ((driver_status != 0)); then
  log "stack left up for inspection"
fi
echo "Stack is up: dashboard http://127.0.0.1:$API_PORT/ (API key: $CALLWRIGHT_API_KEY), Temporal UI http://127.0.0.1:$UI_PORT, API http://127.0.0.1:$API_PORT — Ctrl-C or \`make demo-down\` to stop"

# Wait for Ctrl-C / TERM; notice a service dying, or the stack being stopped or replaced
# from elsewhere (`make demo-down`, another `make demo`): then leave without tearing down.
declare -A OWN
for svc in sim worker api; do OWN[$svc]=$(<"$STATE/$svc.pid"); done
while true; do
  for svc in sim worker api; do
    cur=$(cat "$STATE/$svc.pid" 2>/dev/null || true)
    if [[ $cur != "${OWN[$svc]}" ]]; then
      log "the demo stack was stopped or replaced from elsewhere; exiting"
      SKIP_DOWN=1
      exit 0
    fi
    if ! proc_alive "$cur"; then
      sleep 1 # a demo-down from elsewhere removes the pid file right after the kill
      [[ $(cat "$STATE/$svc.pid" 2>/dev/null || true) == "$cur" ]] || continue
      show_log_tail "$STATE/$svc.log"
      log "callwright-$svc exited; stopping the demo"
      driver_status=1
      exit 1
    fi
  done
  sleep 2 &
  wait $! || true
done

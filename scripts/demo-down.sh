#!/usr/bin/env bash
# What `make demo-down` runs: stop everything `make demo` started (api, worker, simulator,
# Temporal, Postgres) and wait until their ports are closed. Succeeds when nothing runs.
# Keeps the state dir (.run/demo): Postgres data, the Temporal SQLite file and the logs.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE=${DEMO_STATE_DIR:-$CW_REPO/.run/demo}
[[ -d $STATE ]] || exit 0

# Ports of the running demo (written by demo.sh), else the env/defaults.
API_PORT=${DEMO_API_PORT:-8080}
SIM_PORT=${DEMO_SIM_PORT:-8090}
if [[ -s $STATE/ports ]]; then
  # shellcheck source=/dev/null
  . "$STATE/ports"
fi

failed=()
for svc in api worker sim; do
  stop_pidfile "$STATE/$svc.pid" "callwright-$svc" 20 || failed+=("$svc")
done
wait_for_port_closed 127.0.0.1 "$API_PORT" 20 || failed+=("api port $API_PORT")
wait_for_port_closed 127.0.0.1 "$SIM_PORT" 20 || failed+=("sim port $SIM_PORT")
"$CW_REPO/scripts/temporal.sh" stop "$STATE/temporal" || failed+=(temporal)
"$CW_REPO/scripts/pg.sh" stop "$STATE/pg" || failed+=(postgres)

((${#failed[@]} == 0)) || die "demo-down could not stop: ${failed[*]} (state in $STATE)"

#!/usr/bin/env bash
# What `make chaos` runs: the reliability suite. Starts a private Postgres and a Temporal dev
# server (SQLite file) on free ports, builds the binaries, and runs the driver
# (callwright-chaos, bench/src/bin/callwright-chaos/), which runs the simulator, the API and
# the worker as real processes and kills, stops and restarts things in the middle of
# campaigns; then writes its summary into docs/reliability.md (between its markers).
#
#   scripts/chaos.sh [--leads 200] [--small 60] [--only worker-kill,webhook-chaos,...]
#                    [--kills 4] [--outage-secs 30] [--sim-speed 0.05] [--port-base 56110]
#
# Scenarios: worker-kill, temporal-restart, postgres-outage, webhook-chaos, provider-faults.
# The simulator, API and worker listen on --port-base, +1 (SMTP) and +2. Logs: .run/chaos/.
# Exit status 1 when an invariant fails (lost, duplicated, double-booked, projection mismatch).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CW_REPO"

scripts/deps.sh
start_private_servers callwright-chaos
# The driver restarts Temporal on the same ports: its UI port is in temporal.ports.
read -r _ T_UI_PORT _ <"$T_DIR/temporal.ports" || die "no $T_DIR/temporal.ports"

cargo build --locked -p callwright-sim -p callwright-api -p callwright-worker -p callwright-bench --bins ||
  die "cargo build failed"
BIN="${CARGO_TARGET_DIR:-target}/debug"
LOGS=$CW_REPO/.run/chaos
rm -rf "$LOGS"
mkdir -p "$LOGS"
OUT=$LOGS/summary.md
CMD="make chaos  # scripts/chaos.sh${*:+ $*}"
log "running: $CMD (logs in $LOGS)"
status=0
"$BIN/callwright-chaos" --bin-dir "$BIN" --repo "$CW_REPO" \
  --pg-dir "$PG_DIR" --pg-port "$PGPORT" \
  --temporal-dir "$T_DIR" --temporal-port "$TPORT" --temporal-ui-port "$T_UI_PORT" \
  --log-dir "$LOGS" --out "$OUT" "$@" || status=$?
[[ -s $OUT ]] || die "the chaos driver wrote no summary (exit $status); logs in $LOGS"

LOAD=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
TEXT="Command: \`$CMD\` (run $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average at the end $LOAD; exit status $status)

$(cat "$OUT")"
SECTION=chaos TEXT=$TEXT python3 - docs/reliability.md <<'PY'
import os, sys
path = sys.argv[1]
name, text = os.environ["SECTION"], os.environ["TEXT"].strip()
doc = open(path, encoding="utf-8").read()
start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
if start not in doc or end not in doc:
    sys.exit(f"{path} lacks the {start} ... {end} markers")
before, rest = doc.split(start, 1)
_, after = rest.split(end, 1)
open(path, "w", encoding="utf-8").write(f"{before}{start}\n{text}\n{end}{after}")
PY
log "updated docs/reliability.md"
exit "$status"

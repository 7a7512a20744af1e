#!/usr/bin/env bash
# What `make bench` runs: the benchmarks on this machine, each table written into
# docs/benchmarks.md (between its markers) with the command that produced it.
#
#   scripts/bench.sh [--levels 1,100,500,1000] [--turns 10] [--csv-rows 100000,1000000]
#                    [--analytics-calls 1000000] [--steps 250,500,750,1000,1250,1500]
#                    [--hold-secs 60] [--leads 10000]
#                    [--agent-kb 20] [--agent-levels 1,100] [--voice-calls 1,100]
#                    [--only turns|agent|prompt|csv|analytics|concurrency|throughput|voice]
#
# Starts a private Postgres and a Temporal dev server with its SQLite file (as `make demo`
# does) on free ports, builds the release benchmark, runs it, stops the servers.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CW_REPO"

LEVELS=1,100,500,1000
TURNS=10
CSV_ROWS=100000,1000000
ANALYTICS_CALLS=1000000
STEPS=250,500,750,1000,1250,1500
HOLD_SECS=60
LEADS=10000
AGENT_KB=20
AGENT_LEVELS=1,100
VOICE_CALLS=1,100
ONLY=
while (($#)); do
  case $1 in
  --levels) LEVELS=$2; shift ;;
  --turns) TURNS=$2; shift ;;
  --csv-rows) CSV_ROWS=$2; shift ;;
  --analytics-calls) ANALYTICS_CALLS=$2; shift ;;
  --steps) STEPS=$2; shift ;;
  --hold-secs) HOLD_SECS=$2; shift ;;
  --leads) LEADS=$2; shift ;;
  --agent-kb) AGENT_KB=$2; shift ;;
  --agent-levels) AGENT_LEVELS=$2; shift ;;
  --voice-calls) VOICE_CALLS=$2; shift ;;
  --only) ONLY=$2; shift ;;
  *) die "unknown argument $1 (see scripts/bench.sh)" ;;
  esac
  shift
done

scripts/deps.sh
start_private_servers callwright-bench
cargo build --release --locked -p callwright-bench
BENCH="${CARGO_TARGET_DIR:-target}/release/callwright-bench"
export TEMPORAL_ADDRESS="http://127.0.0.1:$TPORT" DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/callwright"
# The servers' process ids, so the concurrency and throughput benchmarks can say whose CPU it was.
BENCH_TEMPORAL_PID=$(cat "$T_DIR/temporal.pid")
PG_ROOT=$PG_DIR
if [[ -s $PG_DIR/pg-root ]]; then PG_ROOT=$(<"$PG_DIR/pg-root"); fi
BENCH_POSTGRES_PID=$(head -n1 "$PG_ROOT/data/postmaster.pid")
export BENCH_TEMPORAL_PID BENCH_POSTGRES_PID

# replace_section NAME TEXT: puts TEXT between <!-- bench:NAME:start --> and :end in the doc.
replace_section() {
  SECTION=$1 TEXT=$2 python3 - docs/benchmarks.md <<'PY'
import os, re, sys
path = sys.argv[1]
name, text = os.environ["SECTION"], os.environ["TEXT"].strip()
doc = open(path, encoding="utf-8").read()
start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
if start not in doc or end not in doc:
    sys.exit(f"{path} lacks the {start} ... {end} markers")
before, rest = doc.split(start, 1)
_, after = rest.split(end, 1)
open(path, "w", encoding="utf-8").write(f"{before}{start}\n{text}\n{end}{after}")
PY
}

if [[ -z $ONLY || $ONLY == turns ]]; then
  CMD="make bench  # scripts/bench.sh --levels $LEVELS --turns $TURNS"
  log "running: $CMD"
  TABLE=$(RUST_LOG=warn "$BENCH" --levels "$LEVELS" --turns "$TURNS")
  replace_section turns "Command: \`$CMD\` (run $(date -u +%Y-%m-%d))

$TABLE"
  echo "$TABLE"
fi
if [[ -z $ONLY || $ONLY == agent ]]; then
  # The same turn benchmark with a small agent and with an AGENT_KB one on the same servers, in
  # the order small, large, large, small: the server's history grows with every run, so a fixed
  # order would charge that growth to whichever agent runs second.
  CMD="make bench  # scripts/bench.sh --only agent --agent-kb $AGENT_KB --agent-levels $AGENT_LEVELS --turns $TURNS"
  log "running: $CMD"
  LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
  TABLES=""
  for KB in 0 "$AGENT_KB" "$AGENT_KB" 0; do
    T=$(RUST_LOG=warn "$BENCH" --levels "$AGENT_LEVELS" --turns "$TURNS" --agent-kb "$KB")
    TABLES="$TABLES

$T"
    echo "$T"
  done
  replace_section turns-agent "Command: \`$CMD\` (run $(date -u +%Y-%m-%d), load average $LOAD_BEFORE before, $(cut -d' ' -f1-3 /proc/loadavg) after)
$TABLES"
fi
if [[ -z $ONLY || $ONLY == prompt ]]; then
  CMD="make bench  # scripts/bench.sh --only prompt --agent-kb $AGENT_KB"
  log "running: $CMD"
  TABLE=$(RUST_LOG=warn "$BENCH" prompt --agent-kb "0,$AGENT_KB")
  replace_section prompt "Command: \`$CMD\` (run $(date -u +%Y-%m-%d), load average $(cut -d' ' -f1-3 /proc/loadavg))

$TABLE"
  echo "$TABLE"
fi
if [[ -z $ONLY || $ONLY == csv ]]; then
  CMD="make bench  # scripts/bench.sh --only csv --csv-rows $CSV_ROWS"
  log "running: $CMD"
  TABLE=$(RUST_LOG=warn "$BENCH" csv-import --rows "$CSV_ROWS")
  replace_section csv "Command: \`$CMD\` (run $(date -u +%Y-%m-%d))

$TABLE"
  echo "$TABLE"
fi
if [[ -z $ONLY || $ONLY == analytics ]]; then
  CMD="make bench  # scripts/bench.sh --only analytics --analytics-calls $ANALYTICS_CALLS"
  log "running: $CMD"
  TABLE=$(RUST_LOG=warn "$BENCH" analytics --calls "$ANALYTICS_CALLS")
  replace_section analytics "Command: \`$CMD\` (run $(date -u +%Y-%m-%d))

$TABLE"
  echo "$TABLE"
fi
if [[ -z $ONLY || $ONLY == concurrency ]]; then
  CMD="make bench  # scripts/bench.sh --only concurrency --steps $STEPS --hold-secs $HOLD_SECS"
  log "running: $CMD"
  TABLE=$(RUST_LOG=warn "$BENCH" concurrency --steps "$STEPS" --hold-secs "$HOLD_SECS")
  replace_section concurrency "Command: \`$CMD\` (run $(date -u +%Y-%m-%d))

$TABLE"
  echo "$TABLE"
fi
if [[ -z $ONLY || $ONLY == throughput ]]; then
  # One campaign, as a user would start it, with 100 calls in flight (a campaign fills its free
  # slots in batches since the batch-starts patch; more calls in flight only add webhook
  # timeouts on this machine, see docs/benchmarks.md).
  CMD="make bench  # scripts/bench.sh --only throughput --leads $LEADS (one campaign, max_concurrent 100)"
  log "running: $CMD"
  TABLE=$(RUST_LOG=warn "$BENCH" throughput --leads "$LEADS" --campaigns 1 --max-concurrent 100)
  replace_section throughput "Command: \`$CMD\` (run $(date -u +%Y-%m-%d))

$TABLE"
  echo "$TABLE"
fi
if [[ -z $ONLY || $ONLY == voice ]]; then
  CMD="make bench  # scripts/bench.sh --only voice --voice-calls $VOICE_CALLS"
  log "running: $CMD"
  TABLE=$(RUST_LOG=warn "$BENCH" voice --calls "$VOICE_CALLS")
  replace_section voice "Command: \`$CMD\` (run $(date -u +%Y-%m-%d))

$TABLE"
  echo "$TABLE"
fi
log "updated docs/benchmarks.md"

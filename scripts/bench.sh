#!/usr/bin/env bash
# What `make bench` runs: the turn-overhead benchmark on this machine, written to
# docs/benchmarks.md with the command that produced it.
#
#   scripts/bench.sh [--levels 1,100,500,1000] [--turns 10]
#
# Starts a private Postgres and a Temporal dev server with its SQLite file (as `make demo`
# does) on free ports, builds the release benchmark, runs it, stops the servers.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CW_REPO"

LEVELS=1,100,500,1000
TURNS=10
while (($#)); do
  case $1 in
  --levels) LEVELS=$2; shift ;;
  --turns) TURNS=$2; shift ;;
  *) die "unknown argument $1 (use --levels 1,100,500,1000 --turns 10)" ;;
  esac
  shift
done

scripts/deps.sh
start_private_servers callwright-bench

cargo build --release --locked -p callwright-bench
CMD="make bench  # scripts/bench.sh --levels $LEVELS --turns $TURNS"
log "running: $CMD"
TABLE=$(TEMPORAL_ADDRESS="http://127.0.0.1:$TPORT" DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/callwright" \
  RUST_LOG=warn target/release/callwright-bench --levels "$LEVELS" --turns "$TURNS")

cat >docs/benchmarks.md <<DOC
# Benchmarks

Produced by \`make bench\` on $(date -u +%Y-%m-%d) on this project's machine kind; every number in a
table comes from the same run, on the same servers.

## Turn overhead

What a caller waits for between finishing a sentence and hearing the agent start to answer,
minus the model's own time: a signed Twilio \`turn\` webhook into the API → the lead workflow's
\`turn\` update → the model's local activity (the simulator's LLM at zero delay, so this is our
overhead only) → TwiML back. Beside it, the floor: the bare \`execute_update\` round trip on a
minimal workflow whose update handler awaits one local activity. The ratio is turn ÷ floor.

Set-up: one Temporal dev server (1.32, SQLite file), one Postgres, the API, the worker, the
benchmark driver and the simulator's LLM, all on this one machine, release build. Callers take
turns back to back (a closed loop), so above the server's throughput the latency grows with the
number of callers; real calls speak every several seconds.

Command: \`$CMD\`

$TABLE

## Not measured yet

Concurrency at a realistic 10-second turn cadence with RSS per call, campaign throughput in
leads per hour, CSV import and analytics latency, and the reliability suite (\`make chaos\`).
DOC
log "wrote docs/benchmarks.md"
echo "$TABLE"

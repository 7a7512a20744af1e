#!/usr/bin/env bash
# What `make test` (and CI) runs.
#
#   scripts/test.sh [--no-lint] [-- NEXTEST_ARGS...]
#
# Installs missing tools, starts a private Postgres and a headless Temporal dev server on
# free ports in a temp dir (stopped and removed on any exit), then runs, in order:
#   cargo fmt --check; cargo clippy -D warnings; the fuzz targets' build; the crates' dependency rules
#   (scripts/check-deps.sh); the SQL of sqlx's query macros against the migrated schema and
#   the offline data in .sqlx/ (scripts/check-sqlx.sh; --no-lint skips these four);
#   cargo nextest run (+ NEXTEST_ARGS);
#   the dashboard's checks (npm ci && npm test in dashboard/: tsc, eslint, the generated API
#   types against dashboard/openapi.json, Vitest); and its
#   browser test against a real stack on these servers (scripts/dashboard-e2e.sh; skip it
#   with DASHBOARD_E2E=0).
# Tests find the servers through:
#   CALLWRIGHT_TEST_DATABASE_URL      postgres://postgres@127.0.0.1:PORT/postgres
#                                     (superuser, trust auth; the db `callwright` also exists)
#   CALLWRIGHT_TEST_TEMPORAL_ADDRESS  http://127.0.0.1:PORT  (namespace `default`, search
#                                     attributes registered)
#   CALLWRIGHT_TEST_TEMPORAL_BIN      path of the `temporal` CLI (also put on PATH)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CW_REPO"

LINT=1
NEXTEST_ARGS=()
while (($#)); do
  case $1 in
  --no-lint) LINT=0 ;;
  --) shift; NEXTEST_ARGS+=("$@"); break ;;
  -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
  *) NEXTEST_ARGS+=("$1") ;;
  esac
  shift
done

scripts/deps.sh

# Incremental caches roughly double target/ (several GB for this workspace) and buy nothing on
# a one-off build; CI machines have run out of disk on them. Set CARGO_INCREMENTAL=1 to keep them.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
avail_kib=$(df -Pk "${CARGO_TARGET_DIR:-$CW_REPO/target}" 2>/dev/null | awk 'NR == 2 {print $4}' || true)
if [[ -n ${avail_kib:-} ]] && ((avail_kib < 6 * 1024 * 1024)); then
  log "warning: $((avail_kib / 1024)) MiB free for target/; a cold build and test run needs about 6 GiB"
fi

start_private_servers callwright-test

TEMPORAL=$(temporal_bin)
export CALLWRIGHT_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres"
export CALLWRIGHT_TEST_TEMPORAL_ADDRESS="http://127.0.0.1:$TPORT"
export CALLWRIGHT_TEST_TEMPORAL_BIN="$TEMPORAL"
PATH="$(dirname "$TEMPORAL"):$PATH"
export PATH

# If a test run fails, say whether a server died under it and keep its log.
report_servers() {
  local keep=$CW_REPO/.run/test-logs
  mkdir -p "$keep"
  cp -f "$T_DIR/temporal.log" "$keep/temporal.log" 2>/dev/null || true
  cp -fL "$PG_DIR/postgres.log" "$keep/postgres.log" 2>/dev/null || true
  if ! scripts/temporal.sh status "$T_DIR"; then
    show_log_tail "$T_DIR/temporal.log"
    log "the test Temporal server died during the run"
  fi
  if ! scripts/pg.sh status "$PG_DIR"; then
    show_log_tail "$PG_DIR/postgres.log"
    log "the test Postgres died during the run"
  fi
  log "server logs of this run kept in $keep/"
}

if ((LINT)); then
  cargo fmt --all -- --check || die "cargo fmt --check failed: run 'make fmt' (cargo fmt --all)"
  # Offline (.cargo/config.toml): a query changed without a refresh of .sqlx/ fails here with
  # sqlx's "no cached data for this query"; the remedy is check-sqlx.sh's, not `cargo sqlx prepare`.
  cargo clippy --workspace --all-targets --locked -- -D warnings ||
    die "cargo clippy failed (warnings are errors; 'no cached data for this query': run scripts/check-sqlx.sh --write)"
  scripts/check-deps.sh || die "a crate broke its dependency rules (scripts/check-deps.sh)"
  # The fuzz crate is its own workspace with its own lock file: it follows a dependency change
  # of our crates in the same commit, not in whichever later build rewrites it.
  (cd fuzz && cargo metadata --locked --format-version 1 >/dev/null) ||
    die "fuzz/Cargo.lock does not follow the workspace's crates: run 'cargo metadata --format-version 1 >/dev/null' in fuzz/"
  # The fuzz targets follow the code they exercise: a type that changes under them fails here,
  # not in the next `make fuzz` (two had drifted before this check).
  (cd fuzz && cargo check --locked --bins) ||
    die "a fuzz target no longer builds against the crates (cd fuzz && cargo check --bins)"
  # Uses the private Postgres above (CALLWRIGHT_TEST_DATABASE_URL) for its scratch database.
  scripts/check-sqlx.sh || die "sqlx's query check failed (scripts/check-sqlx.sh; refresh .sqlx/ with --write)"
fi

status=0
cargo nextest run --workspace --locked --no-fail-fast "${NEXTEST_ARGS[@]}" || status=$?
if ((status != 0)); then
  report_servers
  log "cargo nextest run failed (exit $status)"
fi

if ! (cd dashboard && npm ci --no-audit --no-fund --loglevel=error && npm test); then
  log "dashboard tests failed (npm ci / npm test in dashboard/)"
  ((status != 0)) || status=1
elif [[ ${DASHBOARD_E2E:-1} != 0 ]] && ! scripts/dashboard-e2e.sh; then
  log "dashboard browser test failed (scripts/dashboard-e2e.sh)"
  ((status != 0)) || status=1
fi

exit "$status"

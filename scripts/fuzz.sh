#!/usr/bin/env bash
# What `make fuzz` runs: the libFuzzer targets in fuzz/ (cargo fuzz), one after the other.
#
#   scripts/fuzz.sh [TARGET...]     (default: phone twiml webhook csv_upload)
#
# FUZZ_SECONDS      how long each target runs (default 60)
# FUZZ_SANITIZER    cargo fuzz --sanitizer (default none: the code is safe Rust, `unsafe_code`
#                   is forbidden, and AddressSanitizer would only slow the build and the run)
# FUZZ_TARGET_DIR   cargo's target dir for the fuzz build (default fuzz/target)
#
# Installs cargo-fuzz when it is missing. cargo fuzz needs nightly-only flags; RUSTC_BOOTSTRAP=1
# lets the stable toolchain accept them. Each target starts from its committed seeds
# (fuzz/seeds/TARGET) and grows its own corpus in fuzz/corpus/TARGET (not committed). Prints
# one line a target with its exec count; a crash stops the run, names the input kept in
# fuzz/artifacts/TARGET/ and shows the end of the log (.run/cargo-fuzz/TARGET.log).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CW_REPO"

case ${1:-} in
-h | --help) sed -n '2,17p' "$0"; exit 0 ;;
esac

SECONDS_EACH=${FUZZ_SECONDS:-60}
[[ $SECONDS_EACH =~ ^[0-9]+$ ]] || die "FUZZ_SECONDS must be a number of seconds, not '$SECONDS_EACH'"
SANITIZER=${FUZZ_SANITIZER:-none}
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=(phone twiml webhook csv_upload relay_frame model_stream)

if ! cargo fuzz --version >/dev/null 2>&1; then
  log "installing cargo-fuzz (cargo install cargo-fuzz --locked)"
  cargo install cargo-fuzz --locked >/dev/null 2>&1 || die "cargo install cargo-fuzz failed"
fi

export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR=${FUZZ_TARGET_DIR:-$CW_REPO/fuzz/target}
LOGS=$CW_REPO/.run/cargo-fuzz
mkdir -p "$LOGS"

build_log=$LOGS/build.log
(cd fuzz && cargo fuzz build --sanitizer "$SANITIZER") >"$build_log" 2>&1 ||
  die_with_log "$build_log" "cargo fuzz build failed"

for target in "${TARGETS[@]}"; do
  [[ -d fuzz/seeds/$target ]] || die "no fuzz target '$target' (fuzz/seeds/$target does not exist)"
  mkdir -p "fuzz/corpus/$target"
  logfile=$LOGS/$target.log
  if ! (cd fuzz && cargo fuzz run --sanitizer "$SANITIZER" "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$SECONDS_EACH" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048) >"$logfile" 2>&1; then
    crash=$(grep -o 'artifacts/[^ ]*' "$logfile" | tail -n 1 || true)
    die_with_log "$logfile" "fuzz target $target failed${crash:+ (input kept in fuzz/$crash)}"
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logfile" | tail -n 1)
  per_sec=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$logfile" | tail -n 1)
  corpus=$(find "fuzz/corpus/$target" -type f | wc -l)
  printf '%-11s %12s execs in %ss (%s/s), corpus %s files, no crash\n' \
    "$target" "${execs:-?}" "$SECONDS_EACH" "${per_sec:-?}" "$corpus"
done

#!/usr/bin/env bash
# What `make bench-dashboard` runs: the live calls view with BENCH_CALLS (default 500) calls
# streaming synthetic events, in headless Chromium (dashboard/e2e/live-bench.mjs); writes its
# table into docs/benchmarks.md (between the bench:dashboard markers) and a screenshot to
# .run/dashboard-bench/live.png. Needs no servers: the script stands in for the API.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CW_REPO"

scripts/deps.sh
dashboard_build
mkdir -p .run/dashboard-bench
(cd dashboard && SCREENSHOT="$CW_REPO/.run/dashboard-bench/live.png" npm run --silent bench -- --write ../docs/benchmarks.md) ||
  die "dashboard benchmark failed"

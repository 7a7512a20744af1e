#!/usr/bin/env bash
# The dependency rules between the workspace's crates (docs/architecture.md, "Crates and their
# rules"), checked on the resolved graph of normal (non-dev) dependencies:
#   - callwright-domain: none of our crates, and no I/O (no database, HTTP, mail or Temporal);
#   - callwright-contracts: of ours only callwright-domain; no database, HTTP or mail client;
#   - callwright-workflows: of ours only domain and contracts; no database, HTTP or mail client;
#   - callwright-providers: of ours only callwright-domain; no database and no Temporal (what a
#     provider's failure means for a workflow is the activities' business);
#   - callwright-store: of ours only domain and contracts; no HTTP or mail client;
#   - callwright-agents: of ours only domain and providers; no Temporal;
#   - callwright-runtime: none of our crates;
#   - callwright-api: not callwright-activities (it reaches workflows through Temporal only).
# Run by `make test`; prints each broken rule with the path that brings the dependency in.
set -euo pipefail
cd "$(dirname "$0")/.."

IO_CRATES=(sqlx sqlx-core reqwest lettre tokio-postgres)
failed=0

# deps <crate>: the crate names in its normal dependency graph (one per line).
deps() {
  cargo tree -p "$1" -e normal --prefix none --format '{p}' | awk '{print $1}' | sort -u
}

# forbid <crate> <dependency>...: fail, showing how it comes in, if any is in the graph.
forbid() {
  local crate=$1
  shift
  local graph
  graph=$(deps "$crate") || { echo "check-deps: cargo tree failed for $crate" >&2; exit 2; }
  [[ -n $graph ]] || { echo "check-deps: cargo tree found no graph for $crate" >&2; exit 2; }
  for dep in "$@"; do
    if grep -qx -- "$dep" <<<"$graph"; then
      echo "check-deps: $crate must not depend on $dep; it comes in through:" >&2
      cargo tree -p "$crate" -e normal -i "$dep" --depth 6 >&2 || true
      failed=1
    fi
  done
}

ours_except() {
  local keep=" $* "
  for c in callwright-runtime callwright-domain callwright-contracts callwright-providers \
    callwright-store callwright-agents callwright-activities callwright-workflows \
    callwright-api callwright-worker callwright-sim callwright-bench; do
    [[ $keep == *" $c "* ]] || echo "$c"
  done
}

# Temporal's SDK reaches the network through tonic; the domain must not reach Temporal at all.
forbid callwright-domain $(ours_except callwright-domain) "${IO_CRATES[@]}" tonic temporalio-sdk
forbid callwright-contracts $(ours_except callwright-domain callwright-contracts) "${IO_CRATES[@]}"
forbid callwright-workflows $(ours_except callwright-domain callwright-contracts callwright-workflows) "${IO_CRATES[@]}"
forbid callwright-providers $(ours_except callwright-domain callwright-providers) sqlx sqlx-core tokio-postgres tonic temporalio-sdk
forbid callwright-store $(ours_except callwright-domain callwright-contracts callwright-store) reqwest lettre
forbid callwright-agents $(ours_except callwright-domain callwright-providers callwright-agents) tonic temporalio-sdk
forbid callwright-runtime $(ours_except callwright-runtime)
forbid callwright-api callwright-activities

if ((failed)); then
  exit 1
fi
echo "check-deps: every crate keeps its dependency rules (docs/architecture.md)"

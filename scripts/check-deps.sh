#!/usr/bin/env bash
# The dependency rules between the workspace's crates (docs/architecture.md, "Crates and their
# rules"), checked on the resolved graph of normal (non-dev) dependencies:
#   - callwright-domain: none of our crates, and no I/O (no database, HTTP, mail or Temporal);
#   - callwright-contracts: of ours only callwright-domain; no database, HTTP or mail client;
#     and, without its `definitions` feature (the activity definitions), no Temporal either,
#     so the store and the test kit can use its types;
#   - callwright-workflows: of ours only domain and contracts; no database, HTTP or mail client;
#   - callwright-providers: of ours only callwright-domain; no database and no Temporal (what a
#     provider's failure means for a workflow is the activities' business);
#   - callwright-store: of ours only callwright-domain and callwright-contracts (the API's wire
#     types it reads rows into); no HTTP or mail client, no Temporal;
#   - callwright-agents: of ours only domain, contracts (through the store), providers and
#     store; no Temporal;
#   - callwright-runtime: none of our crates;
#   - callwright-api: not callwright-activities (it reaches workflows through Temporal only), and
#     no HTTP or mail client of its own (a provider is reached through its port in providers);
#   - callwright-sim: none of our crates (it shares wire protocols with the product, no code);
#   - callwright-testkit and callwright-demo: of ours only domain, contracts (and the kit); no
#     database or Temporal client: they drive a stack over its HTTP API, as a user does.
# And where SQL lives: every statement of the product's crates is in callwright-store (store/src),
# written with sqlx's checked macros (query!, query_as!, query_scalar!); a statement built or
# typed at run time (sqlx::query(…), query_as(…), query_scalar(…), QueryBuilder, a raw COPY) is
# refused anywhere else, and inside the store only in the files of RUNTIME_SQL_OK, each of which
# says at its top why. Comment lines are skipped; unit tests inside those crates' src/ are
# checked like the rest. Test, benchmark and simulator crates are not the product and are not
# checked.
# Run by `make test`; prints each broken rule with the path that brings the dependency in, or
# the file and line of the statement.
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

# forbid_direct <crate> <dependency>...: fail if the crate names any as its own dependency (it
# may still come in through another crate, e.g. providers' adapters).
forbid_direct() {
  local crate=$1
  shift
  local direct
  direct=$(cargo tree -p "$crate" -e normal --depth 1 --prefix none --format '{p}' | awk 'NR > 1 {print $1}' | sort -u)
  for dep in "$@"; do
    if grep -qx -- "$dep" <<<"$direct"; then
      echo "check-deps: $crate must not depend on $dep itself (reach the provider through its port in callwright-providers)" >&2
      failed=1
    fi
  done
}

ours_except() {
  local keep=" $* "
  for c in callwright-runtime callwright-domain callwright-contracts callwright-providers \
    callwright-store callwright-agents callwright-activities callwright-workflows \
    callwright-api callwright-worker callwright-sim callwright-bench callwright-testkit \
    callwright-demo; do
    [[ $keep == *" $c "* ]] || echo "$c"
  done
}

# Temporal's SDK reaches the network through tonic; the domain must not reach Temporal at all.
forbid callwright-domain $(ours_except callwright-domain) "${IO_CRATES[@]}" tonic temporalio-sdk
forbid callwright-contracts $(ours_except callwright-domain callwright-contracts) "${IO_CRATES[@]}" tonic temporalio-sdk
forbid callwright-workflows $(ours_except callwright-domain callwright-contracts callwright-workflows) "${IO_CRATES[@]}"
forbid callwright-providers $(ours_except callwright-domain callwright-providers) sqlx sqlx-core tokio-postgres tonic temporalio-sdk
forbid callwright-store $(ours_except callwright-domain callwright-contracts callwright-store) reqwest lettre tonic temporalio-sdk
forbid callwright-agents $(ours_except callwright-domain callwright-contracts callwright-providers callwright-store callwright-agents) tonic temporalio-sdk
forbid callwright-runtime $(ours_except callwright-runtime)
forbid callwright-api callwright-activities
forbid_direct callwright-api reqwest lettre
# The simulator speaks only wire protocols; the test kit and the demo driver reach the product
# only over its HTTP API, through the contracts types.
forbid callwright-sim $(ours_except callwright-sim)
forbid callwright-testkit $(ours_except callwright-domain callwright-contracts callwright-testkit) sqlx sqlx-core tonic temporalio-sdk
forbid callwright-demo $(ours_except callwright-domain callwright-contracts callwright-testkit callwright-demo) sqlx sqlx-core tonic temporalio-sdk

# Statements sqlx takes unchecked: its query functions (not the macros, which end in `!`),
# called by path or imported by `use`, `raw_sql`, the query builder, COPY, and an executor's
# `execute`/`fetch*` called with SQL text (plain or raw string literals).
SQLX_FNS='query|query_as|query_scalar|query_with|query_as_with|query_scalar_with|raw_sql'
RUNTIME_SQL="sqlx::($SQLX_FNS)(::<.*>)? *\\(|use sqlx::.*\\b($SQLX_FNS)\\b[^!]|\\b($SQLX_FNS)(::<.*>)?\\(\\s*r?#*\"|QueryBuilder|copy_in_raw|copy_out_raw|\\.(execute|fetch|fetch_all|fetch_one|fetch_optional|fetch_many)\\(\\s*r?#*\""
# Store files allowed to hold such statements, each with its reason at its top.
RUNTIME_SQL_OK=(store/src/imports.rs)
PRODUCT_SRC=(domain/src contracts/src providers/src store/src agents/src activities/src
  workflows/src api/src worker/src runtime/src)
while IFS= read -r hit; do
  file=${hit%%:*}
  allowed=0
  for ok in "${RUNTIME_SQL_OK[@]}"; do [[ $file == "$ok" ]] && allowed=1; done
  if ((!allowed)); then
    echo "check-deps: SQL checked only at run time, outside callwright-store's allowed files: $hit" >&2
    echo "  write it in store/src with sqlx's query!/query_as!/query_scalar! (scripts/check-sqlx.sh --write)" >&2
    failed=1
  fi
done < <(grep -rnE --include='*.rs' "$RUNTIME_SQL" "${PRODUCT_SRC[@]}" |
  grep -vE '^[^:]+:[0-9]+:\s*//' || true)
for ok in "${RUNTIME_SQL_OK[@]}"; do
  grep -q "must not be" "$ok" || {
    echo "check-deps: $ok holds runtime SQL but does not say at its top why it must" >&2
    failed=1
  }
done

if ((failed)); then
  exit 1
fi
echo "check-deps: every crate keeps its dependency rules, and SQL lives in the store as checked macros (docs/architecture.md)"

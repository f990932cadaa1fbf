#!/usr/bin/env bash
# Background processes tracked by pid files under run/pids, and waiting for them to become ready.

pid_file() { echo "$PID_DIR/$1.pid"; }

# The recorded pid of a process, if its pid file exists.
recorded_pid() {
  local file
  file=$(pid_file "$1")
  [[ -f $file ]] && cat "$file"
}

# True when the process named $1 was started by us and is still alive (guards against pid reuse by
# checking that the command line still names what we started).
is_running() {
  local pid match
  pid=$(recorded_pid "$1") || return 1
  match=$(cat "$PID_DIR/$1.cmd" 2>/dev/null) || return 1
  [[ -n $match && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$match"
}

# up, down (never started or stopped by down.sh) or crashed (pid file left but the process is gone).
process_state() {
  if is_running "$1"; then
    echo up
  elif [[ -f $(pid_file "$1") ]]; then
    echo crashed
  else
    echo down
  fi
}

# require_free_port PORT OWNER NODE: fails with a clear message when something other than our own process
# listens on the port on NODE's host; names the listener when ss(8) is there, else finds the port taken by
# connecting to it.
require_free_port() {
  local port=$1 owner=$2 node=$3 holder on
  mapfile -t on < <(host_command "$node")
  if command -v ss >/dev/null; then
    holder=$("${on[@]}" ss -Hltnp "sport = :$port" 2>/dev/null || true)
  elif (: <"/dev/tcp/$(host_address "$node")/$port") 2>/dev/null; then
    holder='another process'
  fi
  [[ -z ${holder:-} ]] && return 0
  die "port $port (needed by $owner) is already in use: ${holder##* }. Stop that process or free the port, then retry."
}

# start_process NAME NODE MATCH CMD...: starts CMD on NODE's host, detached (own session, so a Ctrl-C in the
# calling terminal does not reach it) with its output in run/logs/NAME.log; MATCH is a substring of its
# command line.
start_process() {
  local name=$1 node=$2 match=$3 on
  shift 3
  mkdir -p "$PID_DIR" "$LOG_DIR"
  ensure_host "$node"
  mapfile -t on < <(host_command "$node")
  printf '\n----- started %s -----\n' "$(date -u +%FT%TZ)" >>"$LOG_DIR/$name.log"
  setsid "${on[@]}" "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  local pid=$! waited=0
  echo "$pid" >"$(pid_file "$name")"
  echo "$match" >"$PID_DIR/$name.cmd"
  # Until it execs, the child still shows this script's command line, and is_running would take it for dead.
  until is_running "$name" || process_gone "$pid" || ((++waited > 50)); do sleep 0.1; done
}

stop_process() {
  local name=$1 pid
  if is_running "$name"; then
    pid=$(recorded_pid "$name")
    kill -TERM "$pid"
    wait_until "$name to stop" 15 process_gone "$pid" || kill -KILL "$pid" 2>/dev/null || true
    log "stopped $name"
  fi
  rm -f "$(pid_file "$name")" "$PID_DIR/$name.cmd"
}

process_gone() { [[ ! -e /proc/$1 ]]; }

# wait_until WHAT SECONDS CMD...: polls CMD every 0.2 s until it succeeds or the time is up.
wait_until() {
  local what=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      log "timed out after ${seconds}s waiting for $what"
      return 1
    fi
    sleep 0.2
  done
}

http_ok() { curl -fsS --max-time 2 "$1" >/dev/null; }
# Waits for a freshly started process to answer CMD; stops early with its log if it dies meanwhile.
wait_ready() {
  local name=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ! is_running "$name"; then
      tail -n 20 "$LOG_DIR/$name.log" >&2
      die "$name exited during start-up (log: ${LOG_DIR#"$ROOT_DIR"/}/$name.log)"
    fi
    ((SECONDS < deadline)) || die "$name not ready after ${seconds}s (log: ${LOG_DIR#"$ROOT_DIR"/}/$name.log)"
    sleep 0.2
  done
}

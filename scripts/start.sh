#!/usr/bin/env bash
# npm start: brings up the development network (deploying the chaincode and bootstrapping the participants),
# builds (the gateway and the console), prepares development keys, starts one gateway per organisation, loads
# the demo data (scripts/demo-data.ts; --empty skips it) and stays in the foreground.
# Ctrl-C stops the gateways and then the network, unless the network was already up before (or --keep-network
# or KEEP_NETWORK=1): it stops only what it started.
set -euo pipefail
cd "$(dirname "$0")/.."

KEEP_NETWORK=${KEEP_NETWORK:-0}
DEMO_DATA=1
for arg in "$@"; do
  case "$arg" in
    --keep-network) KEEP_NETWORK=1 ;;
    --empty) DEMO_DATA=0 ;;
    *)
      echo "usage: npm start [-- --keep-network] [-- --empty]" >&2
      exit 2
      ;;
  esac
done
RUN_DIR=network/run/gateway
PIDS=()

log() { echo "[start] $*"; }

# Every process the network records runs (status.sh exits 1 on a crashed one; "down" rows mean not started).
network_running() {
  [[ -f network/run/state/orderers ]] || return 1
  local status
  status=$(bash network/status.sh 2>/dev/null) || return 1
  ! grep -qE '^[^ ]+ +down ' <<<"$status"
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
stop_all() {
  trap - INT TERM EXIT
  local pid
  if ((${#PIDS[@]})); then
    log "stopping the gateways"
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  fi
  if [[ $KEEP_NETWORK == 1 ]]; then
    log "leaving the network up (npm run network:down stops it)"
  else
    log "stopping the network"
    bash network/down.sh || true
  fi
}

# wait_healthy ORG PID URL: until /healthz answers 200 (ledger reachable), or the gateway dies, or 90 s pass.
wait_healthy() {
  local org=$1 pid=$2 url=$3 deadline
  deadline=$((SECONDS + 90))
  until curl -fs -o /dev/null "$url/healthz"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "the $org gateway exited; the end of $RUN_DIR/$org.log:"
      tail -n 20 "$RUN_DIR/$org.log" >&2
      return 1
    fi
    if ((SECONDS > deadline)); then
      log "the $org gateway is not healthy after 90 s; see $RUN_DIR/$org.log"
      return 1
    fi
    sleep 0.5
  done
}

main() {
  bash scripts/ensure-deps.sh
  trap stop_all EXIT
  trap 'exit 130' INT TERM
  if network_running; then
    log "the network is already up: Ctrl-C will leave it running"
    KEEP_NETWORK=1
  fi
  log "bringing up the network"
  bash network/up.sh
  log "building"
  npx tsc -b chaincode gateway
  npm run --silent build -w console >/dev/null
  mkdir -p "$RUN_DIR"
  npx ts-node network/profiles/dev-keys.ts --run-dir network/run
  # One gateway per organisation of the network's consortium (network/run/topology.json), on its host: its
  # id, kind, URL and network namespace (none on loopback).
  local orgs=() urls=() started=() org kind url netns example=''
  while read -r org kind url netns; do
    orgs+=("$org") urls+=("$url")
    [[ -n $example || $kind != HOSPITAL ]] || example=${#orgs[@]}
    # An organisation added while the network ran (npm run org:add) has its gateway running already.
    if curl -fs -o /dev/null "$url/healthz"; then
      log "the $org gateway already runs"
      continue
    fi
    started+=("$org $url")
    # Each gateway reads only its own organisation's environment file.
    (
      set -a
      # shellcheck disable=SC1090
      source "$RUN_DIR/$org.env"
      set +a
      exec ${netns:+ip netns exec "$netns"} node gateway/dist/main.js
    ) >>"$RUN_DIR/$org.log" 2>&1 &
    PIDS+=($!)
  done < <(node -e 'for (const o of require("./network/run/topology.json").orgs)
    console.log(o.id, o.kind, "http://" + o.host + ":" + o.gatewayPort, o.netns)')
  local i
  for i in "${!started[@]}"; do
    read -r org url <<<"${started[$i]}"
    wait_healthy "$org" "${PIDS[$i]}" "$url"
  done

  if ((DEMO_DATA)); then
    log "loading the demo data through the gateways (npm start -- --empty skips it)"
    npx ts-node scripts/demo-data.ts
  fi

  echo
  log "gateways (logs in $RUN_DIR/<org>.log):"
  for i in "${!orgs[@]}"; do printf '  %-10s %s\n' "${orgs[$i]}" "${urls[$i]}"; done
  cat <<USAGE

  Mint a development token (roles: hospitals clerk, insurers adjuster, regulator auditor):
    TOKEN=\$(npm run --silent token -- --org ${orgs[example - 1]} --role clerk --sub alice)
    curl -H "Authorization: Bearer \$TOKEN" ${urls[example - 1]}/v1/participants
  The contract: ${urls[example - 1]}/openapi.json
  The console: ${urls[example - 1]}/console (sign in with a token as above)

  Ctrl-C stops the gateways, and the network unless it was up before.
USAGE
  # Stay in the foreground until Ctrl-C or until a gateway dies.
  wait -n "${PIDS[@]}" || true
  log "a gateway exited; stopping"
  exit 1
}

main "$@"

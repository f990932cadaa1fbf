#!/usr/bin/env bash
# What runs (up, down, or crashed: a pid file left by a process that died), each node's block height and
# whether the chaincode is committed. Exits 1 when something that was started is not running.
set -euo pipefail
LIB="$(dirname "${BASH_SOURCE[0]}")/lib"
# shellcheck source=lib/common.sh
source "$LIB/common.sh"
# shellcheck source=lib/process.sh
source "$LIB/process.sh"
# shellcheck source=lib/orderer.sh
source "$LIB/orderer.sh"
# shellcheck source=lib/peer.sh
source "$LIB/peer.sh"
# shellcheck source=lib/chaincode.sh
source "$LIB/chaincode.sh"

HEALTHY=true

# report NAME STATE HEIGHT: one table row; a crashed process makes the whole status unhealthy.
report() {
  [[ $2 == crashed ]] && HEALTHY=false
  printf '%-20s %-8s %-7s %s\n' "$1" "$2" "${3:--}" "${LOG_DIR#"$ROOT_DIR"/}/$1.log"
}

# Asks the first running peer whether the chaincode definition is committed.
report_chaincode() {
  local org
  for org in "${ORGS[@]}"; do
    is_running "$(peer_name "$org")" || continue
    if chaincode_committed "$org"; then
      echo "chaincode $CHAINCODE: committed on channel $CHANNEL"
    else
      echo "chaincode $CHAINCODE: not committed"
    fi
    return 0
  done
  echo "chaincode $CHAINCODE: unknown (no peer running)"
}

main() {
  [[ -f $STATE_DIR/orderers ]] || {
    echo "no network: run npm run network:up"
    exit 0
  }
  local i org name state height
  printf '%-20s %-8s %-7s %s\n' PROCESS STATE HEIGHT LOG
  for i in $(orderer_indexes); do
    name=$(orderer_name "$i")
    state=$(process_state "$name")
    height=''
    [[ $state == up ]] && height=$(orderer_height "$i")
    report "$name" "$state" "$height"
  done
  for org in "${ORGS[@]}"; do
    name=$(peer_name "$org")
    state=$(process_state "$name")
    height=''
    [[ $state == up ]] && height=$(peer_height "$org")
    report "$name" "$state" "$height"
  done
  for org in "${ORGS[@]}"; do
    name=$(chaincode_name "$org")
    report "$name" "$(process_state "$name")" ''
  done
  report_chaincode
  $HEALTHY || {
    echo "some processes crashed: see their logs, then run npm run network:up to restart them"
    exit 1
  }
}

main "$@"

#!/usr/bin/env bash
# Stops every process network/up.sh started (by their pid files). --purge also deletes network/run (crypto
# material, ledgers, logs, profiles and wallets) and the hosts of a NETWORK_HOSTS=netns network.
set -euo pipefail
LIB="$(dirname "${BASH_SOURCE[0]}")/lib"
# shellcheck source=lib/common.sh
source "$LIB/common.sh"
# shellcheck source=lib/process.sh
source "$LIB/process.sh"

main() {
  local purge=false file
  case "${1:-}" in
    '') ;;
    --purge) purge=true ;;
    *) die "unknown option $1 (usage: network/down.sh [--purge])" ;;
  esac
  # Clients first, then peers, then orderers: nothing is left retrying against a stopped dependency.
  for file in "$PID_DIR"/gateway-*.pid "$PID_DIR"/chaincode-*.pid "$PID_DIR"/peer-*.pid "$PID_DIR"/orderer*.pid; do
    [[ -f $file ]] && stop_process "$(basename "$file" .pid)"
  done
  if $purge; then
    remove_hosts
    rm -rf "$RUN_DIR"
    log "removed ${RUN_DIR#"$ROOT_DIR"/}"
  fi
}

main "$@"

#!/usr/bin/env bash
# Brings the development network up: whatever is missing is generated, whatever is not running is started,
# whatever is not deployed is deployed. Quick when everything already is.
# Usage: network/up.sh [--orderers 1|3]   (or ORDERERS=3; NETWORK_HOSTS=netns for one host per node, hosts.sh)
set -euo pipefail
LIB="$(dirname "${BASH_SOURCE[0]}")/lib"
# shellcheck source=lib/common.sh
source "$LIB/common.sh"
# shellcheck source=lib/process.sh
source "$LIB/process.sh"
# shellcheck source=lib/crypto.sh
source "$LIB/crypto.sh"
# shellcheck source=lib/config.sh
source "$LIB/config.sh"
# shellcheck source=lib/orderer.sh
source "$LIB/orderer.sh"
# shellcheck source=lib/peer.sh
source "$LIB/peer.sh"
# shellcheck source=lib/chaincode.sh
source "$LIB/chaincode.sh"
# shellcheck source=lib/participants.sh
source "$LIB/participants.sh"
# shellcheck source=lib/topology.sh
source "$LIB/topology.sh"

parse_args() {
  ORDERERS=${ORDERERS:-}
  while (($#)); do
    case "$1" in
      --orderers)
        ORDERERS=${2:-}
        shift 2
        ;;
      --orderers=*)
        ORDERERS=${1#*=}
        shift
        ;;
      *) die "unknown option $1 (usage: network/up.sh [--orderers 1|3])" ;;
    esac
  done
}

# The Raft cluster size is part of the channel's genesis block: it can only be chosen for a new network.
settle_orderer_count() {
  local existing=''
  [[ -f $STATE_DIR/orderers ]] && existing=$(cat "$STATE_DIR/orderers")
  if [[ -n $existing ]]; then
    [[ -z $ORDERERS || $ORDERERS == "$existing" ]] ||
      die "this network was created with $existing orderer(s); run npm run network:down -- --purge to recreate it with $ORDERERS"
    return 0
  fi
  case "${ORDERERS:-1}" in
    1 | 3) ;;
    *) die "--orderers must be 1 or 3" ;;
  esac
  mkdir -p "$STATE_DIR"
  echo "${ORDERERS:-1}" >"$STATE_DIR/orderers"
}

# The network's own copy of the consortium, made once from the source file (validated) when it is created.
ensure_consortium() {
  [[ -f $CONSORTIUM_FILE ]] && return 0
  [[ -f $STATE_DIR/orderers ]] && die "this network predates the consortium file: recreate it (npm run network:down -- --purge, then npm run network:up)"
  log "consortium: ${CONSORTIUM_SOURCE#"$ROOT_DIR"/}"
  mkdir -p "$RUN_DIR"
  consortium_cli install "$CONSORTIUM_SOURCE" "$RUN_DIR"
}

main() {
  local started=$SECONDS i org
  parse_args "$@"
  "$NETWORK_DIR/build-binaries.sh"
  mkdir -p "$LOG_DIR"
  ensure_consortium
  settle_orderer_count
  settle_hosts_mode
  ensure_node_config
  ensure_crypto
  ensure_channel_block
  write_topology
  for i in $(orderer_indexes); do ensure_orderer_running "$i"; done
  for i in $(orderer_indexes); do ensure_orderer_joined "$i"; done
  for org in "${ORGS[@]}"; do ensure_peer_running "$org"; done
  for org in "${ORGS[@]}"; do ensure_peer_joined "$org"; done
  wait_until "a Raft leader" 60 raft_has_leader || die "the ordering service elected no leader (logs in ${LOG_DIR#"$ROOT_DIR"/})"
  log "waiting for the peers to find each other through gossip"
  wait_until "gossip membership" 90 gossip_complete || die "the peers did not all find each other through gossip (logs in ${LOG_DIR#"$ROOT_DIR"/})"
  deploy_chaincode
  bootstrap_participants
  ensure_profiles
  log "network up in $((SECONDS - started))s: channel $CHANNEL, chaincode $CHAINCODE, profiles in ${ORGS_DIR#"$ROOT_DIR"/}"
}

main "$@"

#!/usr/bin/env bash
# One peer per organisation, started as a process and joined to the channel by its organisation's admin.

peer_name() { echo "peer-$1"; }

# core.yaml overrides for org $1's peer. Every address is its host's (hosts.sh), which its TLS certificate
# names, so that what discovery and gossip advertise is reachable as is by every client. Private data a peer missed (it was down) is pulled
# for at most 5 s at commit, then reconciled from the other members every 10 s (Fabric's defaults, 60 s and
# 1 min, would leave a restarted regulator's reads stale for minutes).
start_peer() {
  local org=$1 node port data address
  node=$(peer_node_dir "$org")
  port=$(peer_port "$org")
  address=$(host_address "$org")
  data="$DATA_DIR/$(peer_name "$org")"
  mkdir -p "$data"
  start_process "$(peer_name "$org")" "$org" "peer node start" env \
    FABRIC_CFG_PATH="$CONFIG_DIR" \
    FABRIC_LOGGING_SPEC="${FABRIC_LOGGING_SPEC:-info}" \
    CORE_PEER_ID="$(peer_host "$org")" \
    CORE_PEER_ADDRESS="$address:$port" \
    CORE_PEER_LISTENADDRESS="$address:$port" \
    CORE_PEER_CHAINCODEADDRESS="$address:$((port + 1))" \
    CORE_PEER_CHAINCODELISTENADDRESS="$address:$((port + 1))" \
    CORE_PEER_GOSSIP_BOOTSTRAP="$address:$port" \
    CORE_PEER_GOSSIP_EXTERNALENDPOINT="$address:$port" \
    CORE_PEER_GOSSIP_USELEADERELECTION=false \
    CORE_PEER_GOSSIP_ORGLEADER=true \
    CORE_PEER_GOSSIP_RECONNECTINTERVAL=2s \
    CORE_PEER_GOSSIP_PVTDATA_PULLRETRYTHRESHOLD=5s \
    CORE_PEER_GOSSIP_PVTDATA_RECONCILESLEEPINTERVAL=10s \
    CORE_PEER_LOCALMSPID="$(msp_id "$org")" \
    CORE_PEER_MSPCONFIGPATH="$node/msp" \
    CORE_PEER_TLS_ENABLED=true \
    CORE_PEER_TLS_CERT_FILE="$node/tls/server.crt" \
    CORE_PEER_TLS_KEY_FILE="$node/tls/server.key" \
    CORE_PEER_TLS_ROOTCERT_FILE="$node/tls/ca.crt" \
    CORE_PEER_FILESYSTEMPATH="$data/ledger" \
    CORE_LEDGER_SNAPSHOTS_ROOTDIR="$data/snapshots" \
    CORE_LEDGER_STATE_STATEDATABASE=goleveldb \
    CORE_OPERATIONS_LISTENADDRESS="$address:$(peer_ops_port "$org")" \
    CORE_METRICS_PROVIDER=prometheus \
    CORE_PEER_PROFILE_ENABLED="${NETWORK_PEER_PROFILE:-false}" \
    CORE_PEER_PROFILE_LISTENADDRESS="$address:$(peer_profile_port "$org")" \
    CORE_CHAINCODE_EXTERNALBUILDERS="[{name: ccaas, path: $NETWORK_DIR/builders/ccaas}]" \
    "$(fabric_cmd peer)" node start
}

ensure_peer_running() {
  local org=$1 name port
  name=$(peer_name "$org")
  is_running "$name" && return 0
  port=$(peer_port "$org")
  ensure_host "$org"
  require_free_port "$port" "$name" "$org"
  require_free_port "$((port + 1))" "$name chaincode" "$org"
  require_free_port "$(peer_ops_port "$org")" "$name operations" "$org"
  log "starting $name"
  start_peer "$org"
  wait_ready "$name" 60 http_ok "$(peer_ops_url "$org")/healthz"
}

# as_admin ORG CMD...: runs CMD (usually the peer CLI) as ORG's admin, talking to ORG's peer.
as_admin() {
  local org=$1
  shift
  env FABRIC_CFG_PATH="$CONFIG_DIR" \
    FABRIC_LOGGING_SPEC=warning \
    CORE_PEER_LOCALMSPID="$(msp_id "$org")" \
    CORE_PEER_MSPCONFIGPATH="$(org_user_msp "$org" Admin)" \
    CORE_PEER_ADDRESS="$(host_address "$org"):$(peer_port "$org")" \
    CORE_PEER_TLS_ENABLED=true \
    CORE_PEER_TLS_ROOTCERT_FILE="$(peer_tls_ca "$org")" \
    "$@"
}

peer_cli() { as_admin "$1" "$(fabric_cmd peer)" "${@:2}"; }

peer_joined() { peer_cli "$1" channel list 2>/dev/null | grep -qx "$CHANNEL"; }

# ensure_peer_joined ORG [BLOCK]: ORG's peer joined from the channel's first block (the genesis block file, or
# BLOCK as a newcomer's admin fetched it).
ensure_peer_joined() {
  local org=$1 block=${2:-$CHANNEL_DIR/$CHANNEL.block}
  peer_joined "$org" && return 0
  log "joining $(peer_name "$org") to channel $CHANNEL"
  run_logged "peer channel join ($org)" peer_cli "$org" channel join -b "$block"
}

# The height of the channel's chain on org $1's peer, or nothing when it does not answer.
peer_height() {
  peer_cli "$1" channel getinfo -c "$CHANNEL" 2>/dev/null | sed -n 's/.*"height":\([0-9]*\).*/\1/p'
}

# Flags (one a line, for mapfile) that make the peer CLI send a transaction to the orderer over TLS.
orderer_flags() { printf "%s\n" -o "$(host_address orderer0):$(orderer_port 0)" --tls --cafile "$(orderer_tls_ca)"; }

# Flags (one a line) that target org $1's peer, for commands sent to several peers.
peer_target_flags() {
  printf "%s\n" --peerAddresses "$(host_address "$1"):$(peer_port "$1")" --tlsRootCertFiles "$(peer_tls_ca "$1")"
}

peer_ops_url() { echo "http://$(host_address "$1"):$(peer_ops_port "$1")"; }

# Discovery answers from gossip membership: until every peer knows the others, clients are told that some
# organisations have no peers, so up.sh waits for the whole membership before it reports the network up.
peer_knows_all() {
  local known
  known=$(curl -fsS --max-time 2 "$(peer_ops_url "$1")/metrics" 2>/dev/null |
    sed -nE 's/^gossip_membership_total_peers_known\{channel="'"$CHANNEL"'"\} ([0-9]+).*/\1/p')
  [[ -n $known ]] && ((known >= ${#ORGS[@]} - 1))
}
gossip_complete() {
  local org
  for org in "${ORGS[@]}"; do peer_knows_all "$org" || return 1; done
}

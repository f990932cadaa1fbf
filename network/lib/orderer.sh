#!/usr/bin/env bash
# Raft orderers: started as processes, then joined to the channel through the channel participation API.

# orderer.yaml overrides for orderer $1: its own ports, folders and TLS identity; no system channel.
start_orderer() {
  local i=$1 name node data address
  name=$(orderer_name "$i")
  address=$(host_address "$name")
  node=$(orderer_node_dir "$i")
  data="$DATA_DIR/$name"
  mkdir -p "$data"
  start_process "$name" "$name" "orderer" env \
    FABRIC_CFG_PATH="$CONFIG_DIR" \
    FABRIC_LOGGING_SPEC="${FABRIC_LOGGING_SPEC:-info}" \
    ORDERER_GENERAL_LISTENADDRESS="$address" \
    ORDERER_GENERAL_LISTENPORT="$(orderer_port "$i")" \
    ORDERER_GENERAL_LOCALMSPID=OrdererMSP \
    ORDERER_GENERAL_LOCALMSPDIR="$node/msp" \
    ORDERER_GENERAL_BOOTSTRAPMETHOD=none \
    ORDERER_GENERAL_TLS_ENABLED=true \
    ORDERER_GENERAL_TLS_PRIVATEKEY="$node/tls/server.key" \
    ORDERER_GENERAL_TLS_CERTIFICATE="$node/tls/server.crt" \
    ORDERER_GENERAL_TLS_ROOTCAS="[$node/tls/ca.crt]" \
    ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE="$node/tls/server.crt" \
    ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY="$node/tls/server.key" \
    ORDERER_GENERAL_CLUSTER_ROOTCAS="[$node/tls/ca.crt]" \
    ORDERER_CHANNELPARTICIPATION_ENABLED=true \
    ORDERER_ADMIN_LISTENADDRESS="$address:$(orderer_admin_port "$i")" \
    ORDERER_ADMIN_TLS_ENABLED=true \
    ORDERER_ADMIN_TLS_PRIVATEKEY="$node/tls/server.key" \
    ORDERER_ADMIN_TLS_CERTIFICATE="$node/tls/server.crt" \
    ORDERER_ADMIN_TLS_ROOTCAS="[$node/tls/ca.crt]" \
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true \
    ORDERER_ADMIN_TLS_CLIENTROOTCAS="[$node/tls/ca.crt]" \
    ORDERER_FILELEDGER_LOCATION="$data/ledger" \
    ORDERER_CONSENSUS_WALDIR="$data/etcdraft/wal" \
    ORDERER_CONSENSUS_SNAPDIR="$data/etcdraft/snapshot" \
    ORDERER_OPERATIONS_LISTENADDRESS="$address:$(orderer_ops_port "$i")" \
    ORDERER_METRICS_PROVIDER=prometheus \
    "$(fabric_cmd orderer)"
}

orderer_ops_url() { echo "http://$(host_address "$(orderer_name "$1")"):$(orderer_ops_port "$1")"; }

ensure_orderer_running() {
  local i=$1 name
  name=$(orderer_name "$i")
  is_running "$name" && return 0
  ensure_host "$name"
  require_free_port "$(orderer_port "$i")" "$name" "$name"
  require_free_port "$(orderer_admin_port "$i")" "$name admin" "$name"
  require_free_port "$(orderer_ops_port "$i")" "$name operations" "$name"
  log "starting $name"
  start_orderer "$i"
  wait_ready "$name" 60 http_ok "$(orderer_ops_url "$i")/healthz"
}

# osnadmin against orderer $1's admin endpoint, as the orderer organisation's admin (mutual TLS).
osnadmin_on() {
  local i=$1 tls
  shift
  tls=$(orderer_admin_tls_dir)
  "$(fabric_cmd osnadmin)" channel "$@" -o "$(host_address "$(orderer_name "$i")"):$(orderer_admin_port "$i")" \
    --ca-file "$(orderer_tls_ca)" --client-cert "$tls/client.crt" --client-key "$tls/client.key"
}

orderer_joined() { osnadmin_on "$1" list --channelID "$CHANNEL" 2>/dev/null | grep -q '"name": *"'"$CHANNEL"'"'; }

ensure_orderer_joined() {
  local i=$1
  orderer_joined "$i" && return 0
  log "joining $(orderer_name "$i") to channel $CHANNEL"
  run_logged "osnadmin channel join" osnadmin_on "$i" join --channelID "$CHANNEL" \
    --config-block "$CHANNEL_DIR/$CHANNEL.block"
}

# The orderer's view of the channel height, or nothing when it does not answer.
orderer_height() { osnadmin_on "$1" list --channelID "$CHANNEL" 2>/dev/null | sed -n 's/.*"height": *\([0-9]*\).*/\1/p'; }

# Transactions are refused until Raft has elected a leader; the orderers' metrics say when one has.
raft_has_leader() {
  local i
  for i in $(orderer_indexes); do
    curl -fsS --max-time 2 "$(orderer_ops_url "$i")/metrics" 2>/dev/null |
      grep -q "^consensus_etcdraft_is_leader{channel=\"$CHANNEL\"} 1" && return 0
  done
  return 1
}

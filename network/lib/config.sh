#!/usr/bin/env bash
# Node configuration: Fabric's own sample core.yaml/orderer.yaml (copied at setup, overridden per process
# through environment variables, see orderer.sh and peer.sh) and our channel definition (configtx.yaml, generated).

FABRIC_MODULE=github.com/hyperledger/fabric

sampleconfig_dir() {
  local dir hint="or set FABRIC_CFG_SOURCE to a folder holding Fabric's core.yaml and orderer.yaml"
  command -v go >/dev/null || die "Fabric's default node configuration comes from its Go module, and Go is not installed: install Go (1.22 or later), $hint"
  # `go mod download` fetches the pinned module's source when the cache holds only its listing (an empty Dir).
  dir=$(cd "$NETWORK_DIR/fabric" && go mod download "$FABRIC_MODULE" 2>/dev/null &&
    go list -m -f '{{.Dir}}' "$FABRIC_MODULE" 2>/dev/null) || dir=''
  [[ -n $dir && -f $dir/sampleconfig/core.yaml ]] ||
    die "cannot fetch Fabric's sampleconfig from the Go module $FABRIC_MODULE (GOPROXY=$(go env GOPROXY)): check access to the Go module proxy, $hint"
  echo "$dir/sampleconfig"
}

# Where the default core.yaml/orderer.yaml come from: FABRIC_CFG_SOURCE, else the config/ folder that
# Fabric's release archives put beside bin/, else the pinned module's sampleconfig/.
config_source() {
  if [[ -n ${FABRIC_CFG_SOURCE:-} ]]; then
    echo "$FABRIC_CFG_SOURCE"
  elif [[ -f $FABRIC_BIN/../config/core.yaml ]]; then
    echo "$FABRIC_BIN/../config"
  else
    sampleconfig_dir
  fi
}

ensure_node_config() {
  [[ -f $CONFIG_DIR/core.yaml && -f $CONFIG_DIR/orderer.yaml ]] && return 0
  local source
  source=$(config_source)
  mkdir -p "$CONFIG_DIR"
  cp "$source/core.yaml" "$source/orderer.yaml" "$CONFIG_DIR/"
  chmod u+w "$CONFIG_DIR"/*.yaml
  disable_docker "$CONFIG_DIR/core.yaml"
}

# The one override an environment variable cannot make (Fabric ignores empty ones): an empty vm.endpoint
# turns Docker off, so the peer neither needs it nor fails its health check without it.
disable_docker() {
  local pattern='^\(    endpoint:\) unix:///var/run/docker.sock$'
  grep -q "$pattern" "$1" || die "unexpected $1: no vm.endpoint line to blank"
  sed -i "s|$pattern|\1 \"\"|" "$1"
}

# any_of MSP "ROLE...": a signature rule satisfied by any of the roles (NodeOUs give admin/peer/client/orderer).
any_of() {
  local msp=$1 rule='' role roles
  read -ra roles <<<"$2"
  for role in "${roles[@]}"; do rule+="${rule:+, }'$msp.$role'"; done
  echo "OR($rule)"
}

# write_org ANCHOR MSP MSP_DIR READER_ROLES WRITER_ROLES: one organisation's membership and policies.
write_org() {
  local msp=$2
  cat <<YAML
  - &$1
    Name: $msp
    ID: $msp
    MSPDir: $3
    Policies:
      Readers: {Type: Signature, Rule: "$(any_of "$msp" "$4")"}
      Writers: {Type: Signature, Rule: "$(any_of "$msp" "$5")"}
      Admins: {Type: Signature, Rule: "$(any_of "$msp" admin)"}
      Endorsement: {Type: Signature, Rule: "$(any_of "$msp" peer)"}
YAML
}

# An application organisation, from the public MSP it shared. Anchor peers in its definition make its peer
# known across organisations (gossip, discovery).
write_application_org() {
  write_org "${1^}" "$(msp_id "$1")" "$(shared_msp_dir "$1")" "admin peer client" "admin client"
  echo "    AnchorPeers: [{Host: $(host_address "$1"), Port: $(peer_port "$1")}]"
}

# Block cutting, tuned for this machine (measurements in bench/README.md); NETWORK_BATCH_TIMEOUT,
# NETWORK_MAX_MESSAGE_COUNT and NETWORK_PREFERRED_MAX_BYTES override it for a new network (benchmarks).
block_cutting() {
  # A lone transaction waits at most BatchTimeout for its block. 100ms measured best on 2 cores: 300ms
  # cost a third of the throughput of 16 waiting clients, 50ms made blocks so small that throughput fell.
  echo "      BatchTimeout: ${NETWORK_BATCH_TIMEOUT:-100ms}"
  echo "      BatchSize: {MaxMessageCount: ${NETWORK_MAX_MESSAGE_COUNT:-100}, AbsoluteMaxBytes: 10 MB, PreferredMaxBytes: ${NETWORK_PREFERRED_MAX_BYTES:-512 KB}}"
}

# Raft timing: Fabric's defaults unless NETWORK_RAFT_TICK_INTERVAL / NETWORK_RAFT_ELECTION_TICK are set
# (a shorter tick elects a new leader sooner after an orderer fails, at the cost of more heartbeats).
raft_options() {
  echo "        Options: {TickInterval: ${NETWORK_RAFT_TICK_INTERVAL:-500ms}, ElectionTick: ${NETWORK_RAFT_ELECTION_TICK:-10}, HeartbeatTick: 1, MaxInflightBlocks: 5, SnapshotIntervalSize: 16 MB}"
}

write_configtx() {
  local file=$1 org i
  {
    echo 'Organizations:'
    write_org OrdererOrg OrdererMSP "$(shared_msp_dir orderer)" "admin orderer" "admin orderer"
    echo '    OrdererEndpoints:'
    for i in $(orderer_indexes); do echo "      - $(host_address "$(orderer_name "$i")"):$(orderer_port "$i")"; done
    for org in "${ORGS[@]}"; do
      write_application_org "$org"
    done
    cat <<'YAML'
Profiles:
  SettlementChannel:
    Policies: &StandardPolicies
      Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
      Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
      Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
    Capabilities: {V2_0: true}
    Orderer:
      OrdererType: etcdraft
YAML
    block_cutting
    cat <<'YAML'
      Organizations: [*OrdererOrg]
      Capabilities: {V2_0: true}
      Policies:
        Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
        Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
        Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
        BlockValidation: {Type: ImplicitMeta, Rule: "ANY Writers"}
      EtcdRaft:
YAML
    raft_options
    echo '        Consenters:'
    for i in $(orderer_indexes); do
      local tls
      tls="$(orderer_node_dir "$i")/tls/server.crt"
      echo "          - {Host: $(host_address "$(orderer_name "$i")"), Port: $(orderer_port "$i"), ClientTLSCert: $tls, ServerTLSCert: $tls}"
    done
    echo '    Application:'
    echo '      Capabilities: {V2_5: true}'
    echo -n '      Organizations: ['
    local sep=''
    for org in "${ORGS[@]}"; do
      echo -n "$sep*${org^}"
      sep=', '
    done
    echo ']'
    cat <<'YAML'
      Policies:
        Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
        Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
        Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
        LifecycleEndorsement: {Type: ImplicitMeta, Rule: "MAJORITY Endorsement"}
        Endorsement: {Type: ImplicitMeta, Rule: "ANY Endorsement"}
YAML
  } >"$file"
}

ensure_channel_block() {
  [[ -f $CHANNEL_DIR/$CHANNEL.block ]] && return 0
  log "creating the genesis block of channel $CHANNEL ($(orderer_count) orderer(s))"
  mkdir -p "$CHANNEL_DIR"
  write_configtx "$CHANNEL_DIR/configtx.yaml"
  run_logged "configtxgen" "$(fabric_cmd configtxgen)" -configPath "$CHANNEL_DIR" \
    -profile SettlementChannel -channelID "$CHANNEL" -outputBlock "$CHANNEL_DIR/$CHANNEL.block"
}

#!/usr/bin/env bash
# Shared paths, topology and logging for the network scripts. Sourced, never run.
# shellcheck disable=SC2034 # the constants are used by the scripts that source this file

NETWORK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT_DIR="$(dirname "$NETWORK_DIR")"
# A second network can run beside the default one (fault tests, benchmarks): its own run folder, every port
# shifted by the same offset.
RUN_DIR="$(realpath -m "${NETWORK_RUN_DIR:-$NETWORK_DIR/run}")"
PORT_OFFSET="${NETWORK_PORT_OFFSET:-0}"
# Every port stays below 32768: Linux takes outgoing connections' local ports from above, so a listener there
# can find its port held by some client socket (EADDRINUSE).
if ! [[ $PORT_OFFSET =~ ^[0-9]+$ ]] || ((PORT_OFFSET > 21000)); then
  echo "[network] error: NETWORK_PORT_OFFSET must be a whole number from 0 to 21000" >&2
  exit 1
fi
CONFIG_DIR="$RUN_DIR/config"
CHANNEL_DIR="$RUN_DIR/channel"
DATA_DIR="$RUN_DIR/data"
LOG_DIR="$RUN_DIR/logs"
PID_DIR="$RUN_DIR/pids"
STATE_DIR="$RUN_DIR/state"
# Each organisation's own folder (its keys, connection profile and wallet), and the public MSP material every
# organisation hands over to the consortium.
ORGS_DIR="$RUN_DIR/orgs"
SHARED_DIR="$RUN_DIR/shared"
SETUP_LOG="$LOG_DIR/setup.log"
FABRIC_BIN="${FABRIC_BIN:-$NETWORK_DIR/build/bin}"

CHANNEL=settlement
CHAINCODE=settlement
# The consortium the network was created from (NETWORK_CONSORTIUM, else the development one); a network keeps
# its own copy in the run folder, which org:add and org:remove change.
CONSORTIUM_SOURCE="$(realpath -m "${NETWORK_CONSORTIUM:-$NETWORK_DIR/consortium/development.json}")"
CONSORTIUM_FILE="$RUN_DIR/consortium.json"
ORDERER_DOMAIN=example.com
MAX_ORDERERS=3

log() { printf '[network] %s\n' "$*" >&2; }
die() {
  printf '[network] error: %s\n' "$*" >&2
  exit 1
}

# Application organisations in bootstrap order (the regulator first), those that left the consortium, and what
# the consortium says of each.
ORGS=()
DEPARTED=()
declare -A ORG_KIND ORG_MSP ORG_PEER_PORT ORG_OPS_PORT ORG_GATEWAY_PORT ORG_NAME
load_consortium() {
  local id kind msp peer ops gateway state name
  ORGS=()
  DEPARTED=()
  [[ -f $RUN_DIR/consortium.tsv ]] || return 0
  while IFS=$'\t' read -r id kind msp peer ops gateway state name; do
    if [[ $state == member ]]; then ORGS+=("$id"); else DEPARTED+=("$id"); fi
    ORG_KIND[$id]=$kind ORG_MSP[$id]=$msp ORG_PEER_PORT[$id]=$peer ORG_OPS_PORT[$id]=$ops
    ORG_GATEWAY_PORT[$id]=$gateway ORG_NAME[$id]=$name
  done <"$RUN_DIR/consortium.tsv"
}
load_consortium

# consortium_cli COMMAND ARG...: validates or changes the network's consortium (network/consortium/cli.ts).
consortium_cli() {
  run_logged "consortium $1" "$ROOT_DIR/node_modules/.bin/ts-node" "$NETWORK_DIR/consortium/cli.ts" "$@"
  load_consortium
}

is_member() { [[ " ${ORGS[*]} " == *" $1 "* ]]; }
org_known() { [[ -n ${ORG_KIND[$1]:-} ]] || die "unknown organisation: $1 (the consortium has ${ORGS[*]})"; }
msp_id() { org_known "$1" && echo "${ORG_MSP[$1]}"; }
org_kind() { org_known "$1" && echo "${ORG_KIND[$1]}"; }
orgs_of_kind() {
  local org
  for org in "${ORGS[@]}"; do [[ ${ORG_KIND[$org]} == "$1" ]] && echo "$org"; done
  return 0
}
regulator() { orgs_of_kind REGULATOR; }
org_domain() { echo "$1.$ORDERER_DOMAIN"; }
peer_host() { echo "peer0.$(org_domain "$1")"; }

# Each organisation's ports come from the consortium: its peer's listen port (its chaincode port is the next
# one), its peer's operations port and its gateway's.
peer_port() { org_known "$1" && echo $((ORG_PEER_PORT[$1] + PORT_OFFSET)); }
peer_ops_port() { org_known "$1" && echo $((ORG_OPS_PORT[$1] + PORT_OFFSET)); }
gateway_port() { org_known "$1" && echo $((ORG_GATEWAY_PORT[$1] + PORT_OFFSET)); }
# Go's pprof for a peer, served only with NETWORK_PEER_PROFILE=true (a CPU profile costs the peer little).
peer_profile_port() { echo $(($(peer_ops_port "$1") + 1000)); }

# Orderer i (0-based) listens on 7050 + 100 i, admin on 7053 + 100 i, operations on 9443 + 100 i (+ offset).
orderer_port() { echo $((7050 + 100 * $1 + PORT_OFFSET)); }
orderer_admin_port() { echo $((7053 + 100 * $1 + PORT_OFFSET)); }
orderer_ops_port() { echo $((9443 + 100 * $1 + PORT_OFFSET)); }
orderer_host() { echo "orderer$1.$ORDERER_DOMAIN"; }
orderer_name() { echo "orderer$1"; }

org_home() { echo "$ORGS_DIR/$1"; }
orderer_home() { echo "$RUN_DIR/orderer"; }
shared_msp_dir() { echo "$SHARED_DIR/$1/msp"; }
peer_org_dir() { echo "$(org_home "$1")/peerOrganizations/$(org_domain "$1")"; }
peer_node_dir() { echo "$(peer_org_dir "$1")/peers/$(peer_host "$1")"; }
# Other organisations' TLS CA certificates come from what they shared.
peer_tls_ca() { echo "$(shared_msp_dir "$1")/tlscacerts/tlsca.$(org_domain "$1")-cert.pem"; }
org_user_msp() { echo "$(peer_org_dir "$1")/users/$2@$(org_domain "$1")/msp"; }
orderer_org_dir() { echo "$(orderer_home)/ordererOrganizations/$ORDERER_DOMAIN"; }
orderer_node_dir() { echo "$(orderer_org_dir)/orderers/$(orderer_host "$1")"; }
orderer_tls_ca() { echo "$(shared_msp_dir orderer)/tlscacerts/tlsca.$ORDERER_DOMAIN-cert.pem"; }
orderer_admin_tls_dir() { echo "$(orderer_org_dir)/users/Admin@$ORDERER_DOMAIN/tls"; }

# How many Raft orderers the network was created with; fixed once the channel exists.
orderer_count() { cat "$STATE_DIR/orderers"; }
orderer_indexes() { seq 0 $(($(orderer_count) - 1)); }

fabric_cmd() { echo "$FABRIC_BIN/$1"; }

# Runs a setup command with its output in the setup log; on failure shows the end of it and stops.
run_logged() {
  local what=$1
  shift
  printf '\n$ %s\n' "$*" >>"$SETUP_LOG"
  if ! "$@" >>"$SETUP_LOG" 2>&1; then
    tail -n 20 "$SETUP_LOG" >&2
    die "$what failed (full output in ${SETUP_LOG#"$ROOT_DIR"/})"
  fi
}

# shellcheck source=network/lib/hosts.sh
source "$NETWORK_DIR/lib/hosts.sh"

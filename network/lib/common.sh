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
CRYPTO_DIR="$RUN_DIR/crypto"
CHANNEL_DIR="$RUN_DIR/channel"
DATA_DIR="$RUN_DIR/data"
LOG_DIR="$RUN_DIR/logs"
PID_DIR="$RUN_DIR/pids"
STATE_DIR="$RUN_DIR/state"
ORGS_DIR="$RUN_DIR/orgs"
SETUP_LOG="$LOG_DIR/setup.log"
FABRIC_BIN="${FABRIC_BIN:-$NETWORK_DIR/build/bin}"

CHANNEL=settlement
CHAINCODE=settlement
# Application organisations, in bootstrap order: the Regulator registers itself first.
ORGS=(regulator hospital1 hospital2 insurer1 insurer2)
ORDERER_DOMAIN=example.com
MAX_ORDERERS=3

log() { printf '[network] %s\n' "$*" >&2; }
die() {
  printf '[network] error: %s\n' "$*" >&2
  exit 1
}

msp_id() { echo "${1^}MSP"; }
org_domain() { echo "$1.$ORDERER_DOMAIN"; }
peer_host() { echo "peer0.$(org_domain "$1")"; }

# Each org owns a block of ports: its peer's listen port, the peer's chaincode port (listen + 1), its chaincode
# service (listen + 3, clear of orderer0's admin port 7053) and its peer's operations port.
peer_port() {
  local base
  case "$1" in
    hospital1) base=7051 ;;
    hospital2) base=8051 ;;
    insurer1) base=9051 ;;
    insurer2) base=10051 ;;
    regulator) base=11051 ;;
    *) die "unknown organisation: $1" ;;
  esac
  echo $((base + PORT_OFFSET))
}
peer_ops_port() {
  local base
  case "$1" in
    hospital1) base=9444 ;;
    hospital2) base=9445 ;;
    insurer1) base=9446 ;;
    insurer2) base=9447 ;;
    regulator) base=9448 ;;
    *) die "unknown organisation: $1" ;;
  esac
  echo $((base + PORT_OFFSET))
}
# Go's pprof for a peer, served only with NETWORK_PEER_PROFILE=true (a CPU profile costs the peer little).
peer_profile_port() { echo $(($(peer_ops_port "$1") + 1000)); }

# Orderer i (0-based) listens on 7050 + 100 i, admin on 7053 + 100 i, operations on 9443 + 100 i (+ offset).
orderer_port() { echo $((7050 + 100 * $1 + PORT_OFFSET)); }
orderer_admin_port() { echo $((7053 + 100 * $1 + PORT_OFFSET)); }
orderer_ops_port() { echo $((9443 + 100 * $1 + PORT_OFFSET)); }
orderer_host() { echo "orderer$1.$ORDERER_DOMAIN"; }

peer_org_dir() { echo "$CRYPTO_DIR/peerOrganizations/$(org_domain "$1")"; }
peer_node_dir() { echo "$(peer_org_dir "$1")/peers/$(peer_host "$1")"; }
peer_tls_ca() { echo "$(peer_org_dir "$1")/tlsca/tlsca.$(org_domain "$1")-cert.pem"; }
org_user_msp() { echo "$(peer_org_dir "$1")/users/$2@$(org_domain "$1")/msp"; }
orderer_org_dir() { echo "$CRYPTO_DIR/ordererOrganizations/$ORDERER_DOMAIN"; }
orderer_node_dir() { echo "$(orderer_org_dir)/orderers/$(orderer_host "$1")"; }
orderer_tls_ca() { echo "$(orderer_org_dir)/tlsca/tlsca.$ORDERER_DOMAIN-cert.pem"; }
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

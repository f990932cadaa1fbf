#!/usr/bin/env bash
# Adds an organisation to the running network, or removes one, each step done as the organisation that would
# do it in a real consortium:
#   add ID --kind HOSPITAL|INSURER [--name NAME]
#     the newcomer makes its own keys in its own folder and shares its public MSP; a majority of the members'
#     admins sign the channel update adding it; its peer starts, joins from block 0 and catches up; it runs and
#     installs its own chaincode service; every member approves the next chaincode definition (its endorsement
#     policy and collections now name the newcomer) and it is committed; the regulator registers it; its
#     development gateway's keys and environment file are written and its gateway starts (when built), as a
#     process of the network like its peer.
#   remove ID
#     a majority of the other members' admins sign the channel update removing its MSP (its certificates can no
#     longer endorse or submit); the next chaincode definition leaves it out of the endorsement policy and of
#     every collection's members (its collections stay, held by the others entitled); its processes (gateway,
#     chaincode service, peer) stop. Its
#     records stay on the ledger, readable by those entitled; its registration stays as the record that it took
#     part.
# No running process is restarted: existing peers take the channel update and the new definition as blocks.
# Usage: network/org.sh add ID --kind KIND [--name NAME] | network/org.sh remove ID
set -euo pipefail
LIB="$(dirname "${BASH_SOURCE[0]}")/lib"
for lib in common process crypto config orderer peer chaincode participants topology channel; do
  # shellcheck source=/dev/null
  source "$LIB/$lib.sh"
done

usage() { die "usage: network/org.sh add ID --kind HOSPITAL|INSURER [--name NAME] | network/org.sh remove ID"; }

# The newcomer's peer joins from the channel's first block, fetched from the orderers by its own admin.
ensure_joined_from_block0() {
  local org=$1 orderer block
  peer_joined "$org" && return 0
  block=$(org_home "$org")/block0.pb
  mapfile -t orderer < <(orderer_flags)
  run_logged "fetch block 0 ($org)" peer_cli "$org" channel fetch 0 "$block" "${orderer[@]}" -c "$CHANNEL"
  ensure_peer_joined "$org" "$block"
}

caught_up() { [[ $(peer_height "$1") == "$(peer_height "$(regulator)")" ]]; }

gateway_name() { echo "gateway-$1"; }

# The newcomer's development gateway, on its host, with its environment file; npm start and the test harnesses
# use a gateway that already answers.
start_gateway() {
  local org=$1 main=$ROOT_DIR/gateway/dist/main.js vars
  is_running "$(gateway_name "$org")" && return 0
  [[ -f $main ]] || {
    log "the gateway is not built (npm run build): $org's gateway not started"
    return 0
  }
  mapfile -t vars <"$RUN_DIR/gateway/$org.env"
  log "starting $(gateway_name "$org")"
  start_process "$(gateway_name "$org")" "$org" "$main" env "${vars[@]}" node "$main"
  wait_ready "$(gateway_name "$org")" 90 http_ok "http://$(host_address "$org"):$(gateway_port "$org")/healthz"
}

add_org() {
  local org=$1 kind=$2 name=$3
  [[ $kind == HOSPITAL || $kind == INSURER ]] || usage
  [[ -f $CONSORTIUM_FILE ]] || die "no network: run npm run network:up first"
  mkdir -p "$LOG_DIR"
  # An id once used stays its organisation's, even after it left (its collections carry its MSP ID).
  [[ -z ${ORG_KIND[$org]:-} ]] || is_member "$org" || die "$org left the consortium; a newcomer needs another id"
  if [[ -z ${ORG_KIND[$org]:-} ]]; then
    consortium_cli add "$RUN_DIR" "$org" "$kind" ${name:+"$name"}
  fi
  [[ ${ORG_KIND[$org]} == "$kind" ]] || die "$org is already in the consortium as ${ORG_KIND[$org]}"
  log "adding $org ($(msp_id "$org"), $kind) to the running network"
  ensure_org_crypto "$org"
  change_membership add "$org"
  ensure_peer_running "$org"
  ensure_joined_from_block0 "$org"
  wait_until "$(peer_name "$org") to catch up" 120 caught_up "$org" || die "$(peer_name "$org") did not catch up"
  write_topology
  wait_until "gossip membership" 90 gossip_complete || die "the peers did not all find the newcomer through gossip"
  deploy_chaincode
  bootstrap_participants
  ensure_profiles
  run_logged "development gateway keys" "$ROOT_DIR/node_modules/.bin/ts-node" "$NETWORK_DIR/profiles/dev-keys.ts" \
    --run-dir "$RUN_DIR"
  start_gateway "$org"
  log "$org joined: peer on $(host_address "$org"):$(peer_port "$org"), gateway on port $(gateway_port "$org") (its environment in ${RUN_DIR#"$ROOT_DIR"/}/gateway/$org.env)"
}

remove_org() {
  local org=$1
  is_member "$org" || die "$org is not a member of the consortium (members: ${ORGS[*]})"
  [[ ${ORG_KIND[$org]} != REGULATOR ]] || die "the regulator cannot leave the consortium"
  mkdir -p "$LOG_DIR"
  log "removing $org ($(msp_id "$org")) from the running network"
  change_membership remove "$org"
  consortium_cli remove "$RUN_DIR" "$org"
  write_topology
  deploy_chaincode
  local name
  for name in "$(gateway_name "$org")" "$(chaincode_name "$org")" "$(peer_name "$org")"; do
    is_running "$name" && stop_process "$name"
  done
  log "$org left: its MSP is off the channel and out of the chaincode definition; its records stay"
}

main() {
  local command=${1:-} org=${2:-} kind='' name=''
  [[ -n $org ]] || usage
  shift 2
  while (($#)); do
    case "$1" in
      --kind) kind=${2:-} && shift 2 ;;
      --name) name=${2:-} && shift 2 ;;
      *) usage ;;
    esac
  done
  case "$command" in
    add) add_org "$org" "$kind" "$name" ;;
    remove)
      [[ -z $kind$name ]] || usage
      remove_org "$org"
      ;;
    *) usage ;;
  esac
}

main "$@"

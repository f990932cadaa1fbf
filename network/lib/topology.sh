#!/usr/bin/env bash
# run/topology.json: the network as built (orgs, endpoints, certificate files, process names), for the
# Node tools that write connection profiles and for the integration tests, so that nothing repeats it.

user_json() {
  local msp
  msp=$(org_user_msp "$1" "$2")
  printf '{"certFile":"%s","keyFile":"%s"}' "$msp/signcerts/$2@$(org_domain "$1")-cert.pem" "$msp/keystore/priv_sk"
}

org_json() {
  local org=$1 netns=''
  netns_mode && netns=$(netns_of "$org")
  printf '{"id":"%s","mspId":"%s","kind":"%s","name":"%s","host":"%s","netns":"%s","gatewayPort":%s,"peer":{"name":"%s","process":"%s","port":%s,"operationsPort":%s,"tlsCaCertFile":"%s"},"chaincode":{"process":"%s","socket":"%s"},"users":{"client":%s,"admin":%s}}' \
    "$org" "$(msp_id "$org")" "$(org_kind "$org")" "${ORG_NAME[$org]}" "$(host_address "$org")" "$netns" "$(gateway_port "$org")" "$(peer_host "$org")" "$(peer_name "$org")" "$(peer_port "$org")" \
    "$(peer_ops_port "$org")" "$(peer_tls_ca "$org")" "$(chaincode_name "$org")" "$(chaincode_socket "$org")" \
    "$(user_json "$org" User1)" "$(user_json "$org" Admin)"
}

orderer_json() {
  printf '{"name":"%s","process":"%s","host":"%s","port":%s,"operationsPort":%s,"tlsCaCertFile":"%s"}' \
    "$(orderer_host "$1")" "$(orderer_name "$1")" "$(host_address "$(orderer_name "$1")")" "$(orderer_port "$1")" "$(orderer_ops_port "$1")" "$(orderer_tls_ca)"
}

# join_json FN ITEM...: a JSON array of FN's output for each item.
join_json() {
  local fn=$1 sep='' item
  shift
  printf '['
  for item in "$@"; do
    printf '%s' "$sep"
    "$fn" "$item"
    sep=','
  done
  printf ']'
}

write_topology() {
  local orderers
  mapfile -t orderers < <(orderer_indexes)
  printf '{"channel":"%s","chaincode":"%s","runDir":"%s","orgs":%s,"orderers":%s}\n' \
    "$CHANNEL" "$CHAINCODE" "$RUN_DIR" "$(join_json org_json "${ORGS[@]}")" \
    "$(join_json orderer_json "${orderers[@]}")" >"$RUN_DIR/topology.json"
}

# Each organisation's connection profile and wallet, for those that have none yet.
ensure_profiles() {
  local org
  for org in "${ORGS[@]}"; do
    [[ -f $(org_home "$org")/connection-profile.json ]] && continue
    log "writing connection profiles and wallets under ${ORGS_DIR#"$ROOT_DIR"/}"
    run_logged "writing connection profiles" "$ROOT_DIR/node_modules/.bin/ts-node" \
      "$NETWORK_DIR/profiles/write-profiles.ts"
    return 0
  done
}

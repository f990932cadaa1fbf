#!/usr/bin/env bash
# Crypto material, as a real consortium makes it: each organisation generates its own keys in its own folder
# (cryptogen, one run per organisation) and hands over only its public MSP (CA and TLS CA certificates and the
# NodeOU rules) into the shared folder, from which the channel's configuration and every other member's
# clients take it. Private keys never leave their organisation's folder.

# crypto_spec ORG_NAME DOMAIN: a cryptogen organisation with one peer (or orderers) valid on the address of
# the host it runs on (hosts.sh), and one user beside the admin.
crypto_spec() {
  echo "  - Name: $1"
  echo "    Domain: $2"
  echo '    EnableNodeOUs: true'
  echo '    Specs:'
}

write_orderer_crypto_config() {
  local i
  echo 'OrdererOrgs:'
  crypto_spec Orderer "$ORDERER_DOMAIN"
  # Certificates for the largest ordering service, so that the option only changes who is started.
  for ((i = 0; i < MAX_ORDERERS; i++)); do
    assign_host "$(orderer_name "$i")"
    echo "      - Hostname: $(orderer_name "$i")"
    echo "        SANS: [$(host_address "$(orderer_name "$i")"), localhost]"
  done
}

write_peer_crypto_config() {
  echo 'PeerOrgs:'
  crypto_spec "${1^}" "$(org_domain "$1")"
  assign_host "$1"
  echo '      - Hostname: peer0'
  echo "        SANS: [$(host_address "$1"), localhost]"
  echo '    Users:'
  echo '      Count: 1'
}

# share_msp FROM TO: the public part of an MSP folder, as an organisation hands it to the consortium.
share_msp() {
  mkdir -p "$2"
  cp -r "$1/cacerts" "$1/tlscacerts" "$1/config.yaml" "$2/"
}

ensure_orderer_crypto() {
  local home
  home=$(orderer_home)
  [[ -d $home/ordererOrganizations ]] && return 0
  log "generating the ordering service's keys"
  mkdir -p "$home"
  write_orderer_crypto_config >"$home/crypto-config.yaml"
  run_logged "cryptogen (orderer)" "$(fabric_cmd cryptogen)" generate --config "$home/crypto-config.yaml" --output "$home"
  share_msp "$(orderer_org_dir)/msp" "$(shared_msp_dir orderer)"
}

# ensure_org_crypto ORG: ORG's own keys, made in its own folder; its public MSP shared.
ensure_org_crypto() {
  local org=$1 home
  home=$(org_home "$org")
  [[ -d $home/peerOrganizations ]] && return 0
  log "generating $org's keys in its own folder"
  mkdir -p "$home"
  write_peer_crypto_config "$org" >"$home/crypto-config.yaml"
  run_logged "cryptogen ($org)" "$(fabric_cmd cryptogen)" generate --config "$home/crypto-config.yaml" --output "$home"
  share_msp "$(peer_org_dir "$org")/msp" "$(shared_msp_dir "$org")"
}

ensure_crypto() {
  local org
  # Networks made before each organisation had its own folder kept every key in one.
  [[ -d $RUN_DIR/crypto ]] && die "this network keeps every organisation's keys in one folder: recreate it (npm run network:down -- --purge, then npm run network:up)"
  ensure_orderer_crypto
  for org in "${ORGS[@]}"; do ensure_org_crypto "$org"; done
}

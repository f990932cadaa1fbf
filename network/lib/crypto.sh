#!/usr/bin/env bash
# Crypto material for every node and user, generated once by cryptogen.

# One spec per node, each valid on the loopback names the processes are reached by.
write_crypto_config() {
  local file=$1 org i
  {
    echo 'OrdererOrgs:'
    echo '  - Name: Orderer'
    echo "    Domain: $ORDERER_DOMAIN"
    echo '    EnableNodeOUs: true'
    echo '    Specs:'
    # Certificates for the largest ordering service, so that the option only changes who is started.
    for ((i = 0; i < MAX_ORDERERS; i++)); do
      echo "      - Hostname: orderer$i"
      echo '        SANS: [127.0.0.1, localhost]'
    done
    echo 'PeerOrgs:'
    for org in "${ORGS[@]}"; do
      echo "  - Name: ${org^}"
      echo "    Domain: $(org_domain "$org")"
      echo '    EnableNodeOUs: true'
      echo '    Specs:'
      echo '      - Hostname: peer0'
      echo '        SANS: [127.0.0.1, localhost]'
      echo '    Users:'
      echo '      Count: 1'
    done
  } >"$file"
}

ensure_crypto() {
  [[ -d $CRYPTO_DIR/peerOrganizations ]] && return 0
  log "generating crypto material"
  mkdir -p "$STATE_DIR"
  write_crypto_config "$STATE_DIR/crypto-config.yaml"
  run_logged "cryptogen" "$(fabric_cmd cryptogen)" generate \
    --config "$STATE_DIR/crypto-config.yaml" --output "$CRYPTO_DIR"
}

#!/usr/bin/env bash
# The settlement chaincode as a service: built, packaged for the ccaas builder, run as a Node process,
# then installed, approved by every organisation and committed through the lifecycle.

# Overridable to try the network with another chaincode folder (package.json main + tsconfig.json).
CHAINCODE_MODULE_DIR="${CHAINCODE_MODULE_DIR:-$ROOT_DIR/chaincode}"
CHAINCODE_LABEL=settlement_1
CHAINCODE_VERSION=1.0
CHAINCODE_SEQUENCE=1
CHAINCODE_PACKAGE="$RUN_DIR/chaincode/$CHAINCODE_LABEL.tar.gz"
CHAINCODE_TLS_DIR="$RUN_DIR/chaincode/tls"

# Every write needs the peers of two organisations, so no single member can write a record with chaincode of
# its own; the chaincode adds key-level policies naming each record's owners (a settlement: its hospital and
# its insurer, through the hospital's seal and the policy's accumulators when new, on its own key after).
endorsement_policy() {
  local org rule=''
  for org in "${ORGS[@]}"; do rule+="${rule:+,}'$(msp_id "$org").peer'"; done
  echo "OutOf(2,$rule)"
}

build_chaincode() {
  log "building the chaincode"
  run_logged "chaincode build (tsc -b)" "$ROOT_DIR/node_modules/.bin/tsc" -b "$CHAINCODE_MODULE_DIR"
}

# Reproducible tar.gz (sorted, no times or owners), so the package and its id never change between runs.
pack() {
  local dir=$1 out=$2
  shift 2
  tar -C "$dir" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - "$@" | gzip -n >"$out"
}

# issue_certificate NAME SUBJECT EXTENSIONS: an EC P-256 key and a certificate signed by the chaincode CA.
issue_certificate() {
  local dir=$CHAINCODE_TLS_DIR name=$1
  openssl ecparam -name prime256v1 -genkey -noout -out "$dir/$name.key"
  openssl req -new -key "$dir/$name.key" -subj "$2" -out "$dir/$name.csr"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile <(printf '%s\n' "$3") -out "$dir/$name.crt"
}

# Mutual TLS between the peers and the chaincode service: a CA of the network's own issues the service's
# certificate (for the loopback address it listens on) and the client certificate every peer presents.
ensure_chaincode_tls() {
  [[ -f $CHAINCODE_TLS_DIR/client.crt ]] && return 0
  # The installed package names the service's TLS material, so a network made before it must be made anew.
  [[ -f $CHAINCODE_PACKAGE ]] && die "this network's chaincode package predates chaincode TLS: recreate the network (npm run network:down -- --purge, then npm run network:up)"
  command -v openssl >/dev/null || die "openssl is needed to make the chaincode service's TLS certificates: apt-get install openssl"
  log "generating TLS certificates for the chaincode service"
  mkdir -p "$CHAINCODE_TLS_DIR"
  {
    openssl ecparam -name prime256v1 -genkey -noout -out "$CHAINCODE_TLS_DIR/ca.key"
    openssl req -x509 -new -key "$CHAINCODE_TLS_DIR/ca.key" -subj "/O=$ORDERER_DOMAIN/CN=chaincode-tls-ca" \
      -days 3650 -sha256 -out "$CHAINCODE_TLS_DIR/ca.crt"
    issue_certificate server "/O=$ORDERER_DOMAIN/CN=chaincode" \
      $'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature'
    issue_certificate client "/O=$ORDERER_DOMAIN/CN=peer-client" \
      $'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature'
  } >>"$LOG_DIR/chaincode-tls.log" 2>&1 || die "could not make the chaincode TLS certificates (see ${LOG_DIR#"$ROOT_DIR"/}/chaincode-tls.log)"
}

# The package holds only how to reach the service (address and TLS material): the code runs outside the peer.
ensure_chaincode_package() {
  [[ -f $CHAINCODE_PACKAGE ]] && return 0
  local work
  work=$(mktemp -d)
  node -e '
    const [address, dir, out] = process.argv.slice(1);
    const pem = (name) => require("fs").readFileSync(dir + "/" + name, "utf8");
    const connection = {
      address, dial_timeout: "10s", tls_required: true, client_auth_required: true,
      root_cert: pem("ca.crt"), client_cert: pem("client.crt"), client_key: pem("client.key"),
    };
    require("fs").writeFileSync(out, JSON.stringify(connection) + "\n");
  ' "$CHAINCODE_ADDRESS" "$CHAINCODE_TLS_DIR" "$work/connection.json"
  printf '{"type":"ccaas","label":"%s"}\n' "$CHAINCODE_LABEL" >"$work/metadata.json"
  pack "$work" "$work/code.tar.gz" connection.json
  mkdir -p "$(dirname "$CHAINCODE_PACKAGE")"
  pack "$work" "$CHAINCODE_PACKAGE" code.tar.gz metadata.json
  rm -rf "$work"
}

package_id() { peer_cli "${ORGS[0]}" lifecycle chaincode calculatepackageid "$CHAINCODE_PACKAGE"; }

# Changes whenever the compiled chaincode does, so that up.sh restarts a service running stale code.
chaincode_fingerprint() {
  (cd "$CHAINCODE_MODULE_DIR" && find dist package.json -type f ! -name '*.map' -print0 | sort -z |
    xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

start_chaincode_server() {
  local id=$1
  start_process chaincode "fabric-chaincode-node server" env CORE_CHAINCODE_LOGGING_LEVEL=info \
    node "$ROOT_DIR/node_modules/.bin/fabric-chaincode-node" server \
    --chaincode-address "$CHAINCODE_ADDRESS" --chaincode-id "$id" --module-path "$CHAINCODE_MODULE_DIR" \
    --chaincode-tls-cert-file "$CHAINCODE_TLS_DIR/server.crt" --chaincode-tls-key-file "$CHAINCODE_TLS_DIR/server.key" \
    --chaincode-tls-client-cacert-file "$CHAINCODE_TLS_DIR/ca.crt"
}

ensure_chaincode_server() {
  local id=$1 fingerprint
  fingerprint=$(chaincode_fingerprint)
  if is_running chaincode; then
    [[ $fingerprint == "$(cat "$STATE_DIR/chaincode.fingerprint" 2>/dev/null)" ]] && return 0
    log "the compiled chaincode changed: restarting its service"
    stop_process chaincode
  fi
  require_free_port "${CHAINCODE_ADDRESS##*:}" "the chaincode service"
  log "starting the chaincode service on $CHAINCODE_ADDRESS"
  start_chaincode_server "$id"
  wait_ready chaincode 30 tcp_open "$CHAINCODE_ADDRESS"
  echo "$fingerprint" >"$STATE_DIR/chaincode.fingerprint"
}

ensure_chaincode_installed() {
  local org=$1 id=$2
  peer_cli "$org" lifecycle chaincode queryinstalled 2>/dev/null | grep -qF "Package ID: $id," && return 0
  log "installing the chaincode on $(peer_name "$org")"
  run_logged "chaincode install ($org)" peer_cli "$org" lifecycle chaincode install "$CHAINCODE_PACKAGE"
}

# The definition every organisation approves and the channel commits.
definition_flags() {
  printf '%s\n' --channelID "$CHANNEL" --name "$CHAINCODE" --version "$CHAINCODE_VERSION" \
    --sequence "$CHAINCODE_SEQUENCE" --signature-policy "$(endorsement_policy)"
}

ensure_chaincode_approved() {
  local org=$1 id=$2 flags orderer
  peer_cli "$org" lifecycle chaincode queryapproved -C "$CHANNEL" -n "$CHAINCODE" \
    --sequence "$CHAINCODE_SEQUENCE" 2>/dev/null | grep -qF "$id" && return 0
  mapfile -t flags < <(definition_flags)
  mapfile -t orderer < <(orderer_flags)
  log "approving the chaincode definition for $(msp_id "$org")"
  run_logged "chaincode approve ($org)" peer_cli "$org" lifecycle chaincode approveformyorg \
    "${orderer[@]}" "${flags[@]}" --package-id "$id"
}

chaincode_committed() { peer_cli "$1" lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CHAINCODE" >/dev/null 2>&1; }

ensure_chaincode_committed() {
  local org flags orderer targets=()
  chaincode_committed "${ORGS[0]}" && return 0
  mapfile -t flags < <(definition_flags)
  mapfile -t orderer < <(orderer_flags)
  for org in "${ORGS[@]}"; do mapfile -t -O "${#targets[@]}" targets < <(peer_target_flags "$org"); done
  log "committing the chaincode definition"
  run_logged "chaincode commit" peer_cli "${ORGS[0]}" lifecycle chaincode commit \
    "${orderer[@]}" "${flags[@]}" "${targets[@]}"
}

deploy_chaincode() {
  local id org
  build_chaincode
  ensure_chaincode_tls
  ensure_chaincode_package
  id=$(package_id)
  ensure_chaincode_server "$id"
  for org in "${ORGS[@]}"; do ensure_chaincode_installed "$org" "$id"; done
  for org in "${ORGS[@]}"; do ensure_chaincode_approved "$org" "$id"; done
  ensure_chaincode_committed
}

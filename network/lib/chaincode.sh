#!/usr/bin/env bash
# The settlement chaincode as a service: built once, then run by each organisation as its own Node process (as
# each member would run it in its own data centre, so no process computes another member's endorsements),
# packaged for the ccaas builder with that organisation's address and TLS material, installed on its peer,
# approved by every organisation and committed through the lifecycle.

# Overridable to try the network with another chaincode folder (package.json main + tsconfig.json).
CHAINCODE_MODULE_DIR="${CHAINCODE_MODULE_DIR:-$ROOT_DIR/chaincode}"
CHAINCODE_LABEL=settlement_1
CHAINCODE_VERSION=1.0
CHAINCODE_SEQUENCE=1

chaincode_name() { echo "chaincode-$1"; }
chaincode_dir() { echo "$RUN_DIR/chaincode/$1"; }
chaincode_package() { echo "$(chaincode_dir "$1")/$CHAINCODE_LABEL.tar.gz"; }
chaincode_tls_dir() { echo "$(chaincode_dir "$1")/tls"; }
chaincode_address() { echo "127.0.0.1:$(chaincode_port "$1")"; }

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

# issue_certificate DIR NAME SUBJECT EXTENSIONS: an EC P-256 key and a certificate signed by DIR's CA.
issue_certificate() {
  local dir=$1 name=$2
  openssl ecparam -name prime256v1 -genkey -noout -out "$dir/$name.key"
  openssl req -new -key "$dir/$name.key" -subj "$3" -out "$dir/$name.csr"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile <(printf '%s\n' "$4") -out "$dir/$name.crt"
}

# Mutual TLS between an organisation's peer and its chaincode service: a CA of the organisation's own issues
# the service's certificate (for the loopback address it listens on) and the client certificate its peer
# presents.
ensure_chaincode_tls() {
  local org=$1 dir domain
  dir=$(chaincode_tls_dir "$org")
  domain=$(org_domain "$org")
  [[ -f $dir/client.crt ]] && return 0
  # Installed packages name the service's address and TLS material, so a network made before one service per
  # organisation (or before chaincode TLS) must be made anew.
  [[ -f $RUN_DIR/chaincode/$CHAINCODE_LABEL.tar.gz || -f $(chaincode_package "$org") ]] && die "this network predates one chaincode service per organisation: recreate it (npm run network:down -- --purge, then npm run network:up)"
  command -v openssl >/dev/null || die "openssl is needed to make the chaincode services' TLS certificates: apt-get install openssl"
  log "generating TLS certificates for $(chaincode_name "$org")"
  mkdir -p "$dir"
  {
    openssl ecparam -name prime256v1 -genkey -noout -out "$dir/ca.key"
    openssl req -x509 -new -key "$dir/ca.key" -subj "/O=$domain/CN=chaincode-tls-ca" \
      -days 3650 -sha256 -out "$dir/ca.crt"
    issue_certificate "$dir" server "/O=$domain/CN=chaincode" \
      $'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature'
    issue_certificate "$dir" client "/O=$domain/CN=$(peer_host "$org")" \
      $'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature'
  } >>"$LOG_DIR/chaincode-tls.log" 2>&1 || die "could not make the chaincode TLS certificates (see ${LOG_DIR#"$ROOT_DIR"/}/chaincode-tls.log)"
}

# The package holds only how to reach the organisation's service (address and TLS material): the code runs
# outside the peer. Each organisation's package, hence its package ID, differs; the definition all approve
# does not name it.
ensure_chaincode_package() {
  local org=$1 package work
  package=$(chaincode_package "$org")
  [[ -f $package ]] && return 0
  work=$(mktemp -d)
  node -e '
    const [address, dir, out] = process.argv.slice(1);
    const pem = (name) => require("fs").readFileSync(dir + "/" + name, "utf8");
    const connection = {
      address, dial_timeout: "10s", tls_required: true, client_auth_required: true,
      root_cert: pem("ca.crt"), client_cert: pem("client.crt"), client_key: pem("client.key"),
    };
    require("fs").writeFileSync(out, JSON.stringify(connection) + "\n");
  ' "$(chaincode_address "$org")" "$(chaincode_tls_dir "$org")" "$work/connection.json"
  printf '{"type":"ccaas","label":"%s"}\n' "$CHAINCODE_LABEL" >"$work/metadata.json"
  pack "$work" "$work/code.tar.gz" connection.json
  pack "$work" "$package" code.tar.gz metadata.json
  rm -rf "$work"
}

package_id() { peer_cli "$1" lifecycle chaincode calculatepackageid "$(chaincode_package "$1")"; }

# Changes whenever the compiled chaincode does, so that up.sh restarts a service running stale code.
chaincode_fingerprint() {
  (cd "$CHAINCODE_MODULE_DIR" && find dist package.json -type f ! -name '*.map' -print0 | sort -z |
    xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

start_chaincode_server() {
  local org=$1 id=$2 tls
  tls=$(chaincode_tls_dir "$org")
  start_process "$(chaincode_name "$org")" "fabric-chaincode-node server --chaincode-address $(chaincode_address "$org")" \
    env CORE_CHAINCODE_LOGGING_LEVEL="${CORE_CHAINCODE_LOGGING_LEVEL:-warning}" \
    node "$ROOT_DIR/node_modules/.bin/fabric-chaincode-node" server \
    --chaincode-address "$(chaincode_address "$org")" --chaincode-id "$id" --module-path "$CHAINCODE_MODULE_DIR" \
    --chaincode-tls-cert-file "$tls/server.crt" --chaincode-tls-key-file "$tls/server.key" \
    --chaincode-tls-client-cacert-file "$tls/ca.crt"
}

ensure_chaincode_server() {
  local org=$1 id=$2 fingerprint=$3 name
  name=$(chaincode_name "$org")
  if is_running "$name"; then
    [[ $fingerprint == "$(cat "$STATE_DIR/$name.fingerprint" 2>/dev/null)" ]] && return 0
    log "the compiled chaincode changed: restarting $name"
    stop_process "$name"
  fi
  require_free_port "$(chaincode_port "$org")" "$name"
  log "starting $name on $(chaincode_address "$org")"
  start_chaincode_server "$org" "$id"
  wait_ready "$name" 30 tcp_open "$(chaincode_address "$org")"
  echo "$fingerprint" >"$STATE_DIR/$name.fingerprint"
}

ensure_chaincode_installed() {
  local org=$1 id=$2
  peer_cli "$org" lifecycle chaincode queryinstalled 2>/dev/null | grep -qF "Package ID: $id," && return 0
  log "installing the chaincode on $(peer_name "$org")"
  run_logged "chaincode install ($org)" peer_cli "$org" lifecycle chaincode install "$(chaincode_package "$org")"
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
  local org fingerprint
  local -A ids
  build_chaincode
  fingerprint=$(chaincode_fingerprint)
  for org in "${ORGS[@]}"; do
    ensure_chaincode_tls "$org"
    ensure_chaincode_package "$org"
    ids[$org]=$(package_id "$org")
    ensure_chaincode_server "$org" "${ids[$org]}" "$fingerprint"
  done
  for org in "${ORGS[@]}"; do ensure_chaincode_installed "$org" "${ids[$org]}"; done
  for org in "${ORGS[@]}"; do ensure_chaincode_approved "$org" "${ids[$org]}"; done
  ensure_chaincode_committed
}

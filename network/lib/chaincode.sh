#!/usr/bin/env bash
# The settlement chaincode as a service: built once, then run by each organisation as its own Node process (as
# each member would run it in its own data centre, so no process computes another member's endorsements),
# packaged for the ccaas builder with the path of that organisation's socket, installed on its peer,
# approved by every organisation and committed through the lifecycle.

# Overridable to try the network with another chaincode folder (package.json main + tsconfig.json).
CHAINCODE_MODULE_DIR="${CHAINCODE_MODULE_DIR:-$ROOT_DIR/chaincode}"
CHAINCODE_LABEL=settlement_1
# The definition's version names what it defines beyond the package (endorsement policy, collections), so that a
# change of either is seen and committed as the next sequence (see definition_sequence).
CHAINCODE_RELEASE=1.0
COLLECTIONS_CONFIG="$CONFIG_DIR/collections.json"

chaincode_name() { echo "chaincode-$1"; }
chaincode_dir() { echo "$RUN_DIR/chaincode/$1"; }
chaincode_package() { echo "$(chaincode_dir "$1")/$CHAINCODE_LABEL.tar.gz"; }
# Each service listens on a Unix socket in a folder only the network's user may enter, instead of a loopback
# port with mutual TLS: on one host the kernel's permission check admits only that user's processes (who could
# read any TLS key as well), and the peer's messages to the chaincode, six per settlement of a batch, skip two
# TLS layers: a fifth more batch items per second (bench/README, Tuning).
CHAINCODE_SOCKET_DIR="$RUN_DIR/sockets"
chaincode_socket() { echo "$CHAINCODE_SOCKET_DIR/$1.sock"; }
chaincode_address() { echo "unix://$(chaincode_socket "$1")"; }

# Every write needs the peers of two organisations, so no single member can write a record with chaincode of
# its own; the chaincode adds key-level policies naming each record's owners (a settlement: its hospital and
# its insurer, through the hospital's seal and the policy's accumulators when new, on its own key after).
endorsement_policy() {
  echo "OutOf(2,$(principals peer "${ORGS[@]}"))"
}

# principals ROLE ORG...: the organisations' principals of that role, as a signature policy lists them.
principals() {
  local role=$1 org list=''
  shift
  for org in "$@"; do list+="${list:+,}'$(msp_id "$org").$role'"; done
  echo "$list"
}

# Private data collections (the chaincode names them by the same convention, chaincode/src/collections.ts):
# a settlement's details are its hospital's, its insurer's and the regulator's; an insurer's policies, consents
# and accumulators are its own, the regulator's and every hospital's (whose peers recompute the split they
# endorse), never another insurer's. Kept for ever (blockToLive 0); only members read or write them; an endorser
# hands the data to the other members at once (maxPeerCount), and a member that was down pulls it later. Every
# write needs the owners' peers: a pair's both, an insurer's its own (its endorsement policy).
# An organisation that left keeps its collections (Fabric never drops one) without being a member or an owner:
# what it shared stays with the others entitled to it.
collection() {
  local name=$1 owners=() members=() org
  shift
  for org in $1; do is_member "$org" && owners+=("$org"); done
  shift
  for org in "$@"; do is_member "$org" && members+=("$org"); done
  # A collection whose owners all left is the regulator's to keep.
  ((${#owners[@]})) || owners=("$(regulator)")
  printf '{"name":"%s","policy":"%s","requiredPeerCount":0,"maxPeerCount":%d,"blockToLive":0,' \
    "$name" "OR($(principals member "${members[@]}"))" "$((${#members[@]} - 1))"
  printf '"memberOnlyRead":true,"memberOnlyWrite":true,"endorsementPolicy":{"signaturePolicy":"%s"}}' \
    "AND($(principals peer "${owners[@]}"))"
}

# ever_of_kind KIND: the organisations of that kind, present or departed.
ever_of_kind() {
  local org
  for org in "${ORGS[@]}" "${DEPARTED[@]}"; do [[ ${ORG_KIND[$org]} == "$1" ]] && echo "$org"; done
  return 0
}

write_collections_config() {
  local regulator hospitals insurers hospital insurer entries=()
  regulator=$(regulator)
  mapfile -t hospitals < <(ever_of_kind HOSPITAL)
  mapfile -t insurers < <(ever_of_kind INSURER)
  for insurer in "${insurers[@]}"; do
    entries+=("$(collection "policies_$(msp_id "$insurer")" "$insurer" "$insurer" "$regulator" "${hospitals[@]}")")
    for hospital in "${hospitals[@]}"; do
      entries+=("$(collection "settlements_$(msp_id "$hospital")_$(msp_id "$insurer")" "$hospital $insurer" \
        "$hospital" "$insurer" "$regulator")")
    done
  done
  local IFS=,
  echo "[${entries[*]}]" >"$COLLECTIONS_CONFIG"
}

definition_version() {
  local digest
  digest=$({ endorsement_policy; cat "$COLLECTIONS_CONFIG"; } | sha256sum | cut -c1-12)
  echo "$CHAINCODE_RELEASE-$digest"
}

# 1 on a new channel; the committed sequence while the definition is the same; the next one when it changed.
definition_sequence() {
  local committed
  if ! committed=$(peer_cli "${ORGS[0]}" lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CHAINCODE" \
    -O json 2>/dev/null); then
    echo 1
    return
  fi
  node -e 'const d = JSON.parse(process.argv[1]);
    console.log(d.version === process.argv[2] ? d.sequence : Number(d.sequence) + 1);' \
    "$committed" "$(definition_version)"
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

# A socket's path must fit the kernel's 108 bytes (sun_path), which a deep checkout could exceed.
ensure_chaincode_socket_dir() {
  local longest
  longest=$(chaincode_socket "${ORGS[0]}")
  ((${#longest} + 8 < 108)) || die "the chaincode sockets' path is too long for a Unix socket ($longest): set NETWORK_RUN_DIR to a shorter folder"
  # Packages made before the sockets name a TCP address with TLS material.
  [[ -d $RUN_DIR/chaincode/${ORGS[0]}/tls ]] && die "this network predates the chaincode sockets: recreate it (npm run network:down -- --purge, then npm run network:up)"
  mkdir -p "$CHAINCODE_SOCKET_DIR"
  chmod 700 "$CHAINCODE_SOCKET_DIR"
}

# The package holds only how to reach the organisation's service (its socket): the code runs
# outside the peer. Each organisation's package, hence its package ID, differs; the definition all approve
# does not name it.
ensure_chaincode_package() {
  local org=$1 package work
  package=$(chaincode_package "$org")
  [[ -f $package ]] && return 0
  mkdir -p "$(chaincode_dir "$org")"
  work=$(mktemp -d)
  printf '{"address":"%s","dial_timeout":"10s","tls_required":false}\n' "$(chaincode_address "$org")" >"$work/connection.json"
  printf '{"type":"ccaas","label":"%s"}\n' "$CHAINCODE_LABEL" >"$work/metadata.json"
  pack "$work" "$work/code.tar.gz" connection.json
  pack "$work" "$package" code.tar.gz metadata.json
  rm -rf "$work"
}

package_id() { peer_cli "$1" lifecycle chaincode calculatepackageid "$(chaincode_package "$1")"; }

# Changes whenever the compiled chaincode or its installed dependencies do, so that up.sh restarts a service
# running stale code.
chaincode_fingerprint() {
  (cd "$CHAINCODE_MODULE_DIR" && find dist package.json "$ROOT_DIR/package-lock.json" -type f ! -name '*.map' \
    -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

start_chaincode_server() {
  local org=$1 id=$2
  start_process "$(chaincode_name "$org")" "$org" "fabric-chaincode-node server --chaincode-address $(chaincode_address "$org")" \
    env CORE_CHAINCODE_LOGGING_LEVEL="${CORE_CHAINCODE_LOGGING_LEVEL:-warning}" CHAINCODE_PERF="${CHAINCODE_PERF:-false}" \
    CHAINCODE_CLOCK_TOLERANCE_SECONDS="${CHAINCODE_CLOCK_TOLERANCE_SECONDS:-}" \
    node "$ROOT_DIR/node_modules/.bin/fabric-chaincode-node" server \
    --chaincode-address "$(chaincode_address "$org")" --chaincode-id "$id" --module-path "$CHAINCODE_MODULE_DIR"
}

ensure_chaincode_server() {
  local org=$1 id=$2 fingerprint=$3 name
  name=$(chaincode_name "$org")
  if is_running "$name"; then
    [[ $fingerprint == "$(cat "$STATE_DIR/$name.fingerprint" 2>/dev/null)" ]] && return 0
    log "the compiled chaincode changed: restarting $name"
    stop_process "$name"
  fi
  # A service that died leaves its socket behind, and binding to it would fail.
  rm -f "$(chaincode_socket "$org")"
  log "starting $name on $(chaincode_address "$org")"
  start_chaincode_server "$org" "$id"
  wait_ready "$name" 30 test -S "$(chaincode_socket "$org")"
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
  printf '%s\n' --channelID "$CHANNEL" --name "$CHAINCODE" --version "$(definition_version)" \
    --sequence "$CHAINCODE_SEQUENCE" --signature-policy "$(endorsement_policy)" \
    --collections-config "$COLLECTIONS_CONFIG"
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

definition_committed() {
  peer_cli "${ORGS[0]}" lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CHAINCODE" 2>/dev/null |
    grep -qF "Version: $(definition_version), Sequence: $CHAINCODE_SEQUENCE,"
}

ensure_chaincode_committed() {
  local org flags orderer targets=()
  definition_committed && return 0
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
  ensure_chaincode_socket_dir
  for org in "${ORGS[@]}"; do
    ensure_chaincode_package "$org"
    ids[$org]=$(package_id "$org")
    ensure_chaincode_server "$org" "${ids[$org]}" "$fingerprint"
  done
  for org in "${ORGS[@]}"; do ensure_chaincode_installed "$org" "${ids[$org]}"; done
  write_collections_config
  CHAINCODE_SEQUENCE=$(definition_sequence)
  for org in "${ORGS[@]}"; do ensure_chaincode_approved "$org" "${ids[$org]}"; done
  ensure_chaincode_committed
}

#!/usr/bin/env bash
# Changes to the channel's membership, made as Fabric's consortia make them: the configuration is fetched,
# changed (configtxlator around network/consortium/channel-config.ts), and the computed update signed by the
# admins of a majority of the member organisations (the channel's Application/Admins policy, MAJORITY Admins),
# each with its own admin identity, the last of them submitting it.

channel_config_cli() {
  run_logged "channel configuration ($1)" "$ROOT_DIR/node_modules/.bin/ts-node" \
    "$NETWORK_DIR/consortium/channel-config.ts" "$@"
}

configtxlator() { run_logged "configtxlator $1" "$(fabric_cmd configtxlator)" "$@"; }

# fetch_channel_config ORG DIR: the channel's current configuration as DIR/config.json, fetched by ORG's admin.
fetch_channel_config() {
  local org=$1 dir=$2 orderer
  mapfile -t orderer < <(orderer_flags)
  run_logged "fetch the channel configuration" peer_cli "$org" channel fetch config "$dir/config_block.pb" \
    "${orderer[@]}" -c "$CHANNEL"
  configtxlator proto_decode --input "$dir/config_block.pb" --type common.Block --output "$dir/config_block.json"
  channel_config_cli extract "$dir/config_block.json" "$dir/config.json"
}

# The organisation's definition as the channel holds it, made by configtxgen from the public MSP it shared.
print_org_definition() {
  local org=$1 dir=$2
  write_application_org "$org" | sed '1s/^/Organizations:\n/' >"$dir/configtx.yaml"
  run_logged "configtxgen -printOrg $org" sh -c "'$(fabric_cmd configtxgen)' -configPath '$dir' -printOrg '$(msp_id "$org")' >'$dir/org.json'"
}

# majority_signers MEMBERS EXCLUDED: enough organisations (the first in bootstrap order other than EXCLUDED, the
# newcomer or the one leaving) for a majority of the channel's MEMBERS.
majority_signers() {
  local others=() org
  for org in "${ORGS[@]}"; do [[ $org != "$2" ]] && others+=("$org"); done
  printf '%s\n' "${others[@]:0:$(($1 / 2 + 1))}"
}

# submit_config_update DIR SIGNER...: computes the update from DIR/config.json to DIR/modified.json, has every
# signer's admin sign it, and the last one submit it.
submit_config_update() {
  local dir=$1 signer orderer
  shift
  configtxlator proto_encode --input "$dir/config.json" --type common.Config --output "$dir/config.pb"
  configtxlator proto_encode --input "$dir/modified.json" --type common.Config --output "$dir/modified.pb"
  configtxlator compute_update --channel_id "$CHANNEL" --original "$dir/config.pb" --updated "$dir/modified.pb" \
    --output "$dir/update.pb"
  configtxlator proto_decode --input "$dir/update.pb" --type common.ConfigUpdate --output "$dir/update.json"
  channel_config_cli envelope "$dir/update.json" "$CHANNEL" "$dir/envelope.json"
  configtxlator proto_encode --input "$dir/envelope.json" --type common.Envelope --output "$dir/envelope.pb"
  for signer in "${@:1:$#-1}"; do
    log "$(msp_id "$signer")'s admin signs the channel update"
    run_logged "signconfigtx ($signer)" peer_cli "$signer" channel signconfigtx -f "$dir/envelope.pb"
  done
  signer=${*: -1}
  mapfile -t orderer < <(orderer_flags)
  log "$(msp_id "$signer")'s admin signs and submits the channel update"
  run_logged "channel update ($signer)" peer_cli "$signer" channel update -f "$dir/envelope.pb" -c "$CHANNEL" \
    "${orderer[@]}"
}

# config_has_org DIR ORG: whether the configuration fetched into DIR has ORG among its application organisations.
config_has_org() {
  node -e 'const c = require(process.argv[1]);
    process.exit(c.channel_group.groups.Application.groups[process.argv[2]] ? 0 : 1)' "$1/config.json" "$(msp_id "$2")"
}

# change_membership add|remove ORG: ORG's definition added to the channel (or removed from it) unless that is
# done already, signed by a majority of the other members. The work files stay in the setup folder.
change_membership() {
  local change=$1 org=$2 dir signers members=${#ORGS[@]}
  dir=$STATE_DIR/channel-update-$org
  rm -rf "$dir" && mkdir -p "$dir"
  fetch_channel_config "$(regulator)" "$dir"
  if [[ $change == add ]]; then
    config_has_org "$dir" "$org" && return 0
    print_org_definition "$org" "$dir"
    channel_config_cli add-org "$dir/config.json" "$dir/org.json" "$(msp_id "$org")" "$(host_address "$org")" "$(peer_port "$org")" \
      "$dir/modified.json"
    # The newcomer is in the consortium already, and not yet on the channel.
    members=$((members - 1))
  else
    config_has_org "$dir" "$org" || return 0
    channel_config_cli remove-org "$dir/config.json" "$(msp_id "$org")" "$dir/modified.json"
  fi
  mapfile -t signers < <(majority_signers "$members" "$org")
  submit_config_update "$dir" "${signers[@]}"
}

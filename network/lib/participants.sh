#!/usr/bin/env bash
# After deployment the Regulator registers every organisation (itself first: the bootstrap registration), with
# the kind and name the consortium gives it.

# The peer CLI's -c argument for a read: {"function": FN, "Args": [one JSON request, as a string]}.
call_spec() {
  local request=$2
  printf '{"function":"%s","Args":["%s"]}' "$1" "${request//\"/\\\"}"
}

# A write's --transient argument: its request, a random salt and a random reply key, base64, as the gateways
# send them (the CLI prints the reply sealed, which the setup does not read).
transient_spec() {
  printf '{"request":"%s","salt":"%s","replyKey":"%s"}' "$(printf '%s' "$1" | base64 -w0)" \
    "$(head -c 32 /dev/urandom | base64 -w0)" "$(head -c 32 /dev/urandom | base64 -w0)"
}

participant_registered() {
  peer_cli "$(regulator)" chaincode query -C "$CHANNEL" -n "$CHAINCODE" \
    -c "$(call_spec Participants:get "{\"mspId\":\"$(msp_id "$1")\"}")" >/dev/null 2>&1
}

register_participant() {
  local org=$1 regulator request orderer target
  regulator=$(regulator)
  request=$(printf '{"mspId":"%s","kind":"%s","name":"%s","actor":"network-bootstrap"}' \
    "$(msp_id "$org")" "$(org_kind "$org")" "${ORG_NAME[$org]}")
  mapfile -t orderer < <(orderer_flags)
  # Two organisations must endorse: the Regulator and the one registered (for itself, the next organisation).
  mapfile -t target < <(peer_target_flags "$regulator")
  mapfile -t -O "${#target[@]}" target < <(peer_target_flags "$([[ $org == "$regulator" ]] && echo "${ORGS[1]}" || echo "$org")")
  log "registering participant $(msp_id "$org")"
  run_logged "register participant $org" peer_cli "$regulator" chaincode invoke "${orderer[@]}" \
    -C "$CHANNEL" -n "$CHAINCODE" "${target[@]}" --waitForEvent \
    -c '{"function":"Participants:register","Args":[]}' --transient "$(transient_spec "$request")"
}

bootstrap_participants() {
  local org
  for org in "${ORGS[@]}"; do
    participant_registered "$org" || register_participant "$org"
  done
}

#!/usr/bin/env bash
# npm run test:faults: the fault and abuse tests on their own three-orderer network instance
# (network/run-faults, every port + 20000), so the default network is never touched.
# Brings the instance and its gateways (one per organisation of the consortium) up, runs the mocha suite test/faults/**/*.test.ts, then fuzzes
# every gateway's /openapi.json with schemathesis (pinned in requirements.txt, installed into the git-ignored
# test/faults/.venv), and finally stops the gateways and the network.
# Options: --keep leaves them running; --fuzz-long fuzzes deeply instead of within a time bound (every phase,
# FUZZ_EXAMPLES (default 100) cases per operation, then the stateful phase along the document's links);
# --fuzz-only skips the mocha suite.
# FUZZ_SECONDS (default 40) bounds the short fuzzing per gateway; FUZZ_SEED (default 1) makes cases repeatable.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
FAULTS=test/faults
KEEP=0 FUZZ_LONG=0 FUZZ_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --keep) KEEP=1 ;;
    --fuzz-long) FUZZ_LONG=1 ;;
    --fuzz-only) FUZZ_ONLY=1 ;;
    *)
      echo "usage: $0 [--keep] [--fuzz-long] [--fuzz-only]" >&2
      exit 2
      ;;
  esac
done
FUZZ_SECONDS=${FUZZ_SECONDS:-40}
FUZZ_EXAMPLES=${FUZZ_EXAMPLES:-100}
FUZZ_SEED=${FUZZ_SEED:-1}
export NETWORK_RUN_DIR=$ROOT/network/run-faults NETWORK_PORT_OFFSET=20000
STARTED=$SECONDS
# shellcheck source=scripts/lib/tally.sh
source scripts/lib/tally.sh

log() { echo "[faults] $*"; }
gateways() { node_modules/.bin/ts-node "$FAULTS/support/gateways.ts" "$1"; }

# shellcheck disable=SC2317  # invoked by the EXIT trap
teardown() {
  if [[ $KEEP == 1 ]]; then
    log "leaving the instance up (--keep): NETWORK_RUN_DIR=$NETWORK_RUN_DIR NETWORK_PORT_OFFSET=$NETWORK_PORT_OFFSET"
  else
    gateways down || true
    bash network/down.sh || true
  fi
  log "wall time $((SECONDS - STARTED)) s"
}

# Reinstalls schemathesis only when the pinned requirements changed since the last install.
ensure_venv() {
  local marker=$FAULTS/.venv/.installed
  [[ -f $marker && $marker -nt $FAULTS/requirements.txt ]] && return 0
  log "installing schemathesis into $FAULTS/.venv"
  python3 -m venv "$FAULTS/.venv"
  "$FAULTS/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$FAULTS/requirements.txt"
  touch "$marker"
}

# Each gateway with a valid token of its organisation's one role: no 5xx, documented statuses, content types
# and response schemas. The event stream is left out: it never ends, so every case would wait for the timeout.
fuzz() {
  local org=$1 url=$2 token depth
  token=$(node_modules/.bin/ts-node network/profiles/token.ts --org "$org" --sub fuzzer --run-dir "$NETWORK_RUN_DIR")
  if [[ $FUZZ_LONG == 1 ]]; then
    depth=(--phases "examples,coverage,fuzzing,stateful" --max-examples "$FUZZ_EXAMPLES")
    log "schemathesis against the $org gateway ($FUZZ_EXAMPLES cases per operation, then stateful)"
    # Half the writes made valid, so that replies succeed and their links are followed (fuzz_hooks.py).
    export SCHEMATHESIS_HOOKS=fuzz_hooks FUZZ_ORG=$org PYTHONPATH=$FAULTS
  else
    depth=(--phases fuzzing --max-examples 2 --max-time "$FUZZ_SECONDS")
    log "schemathesis against the $org gateway ($FUZZ_SECONDS s)"
  fi
  "$FAULTS/.venv/bin/st" run "$url/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    "${depth[@]}" --seed "$FUZZ_SEED" \
    --workers 1 --request-timeout 60 --no-shrink --warnings off \
    --exclude-path /v1/events
}

main() {
  bash scripts/ensure-deps.sh
  ensure_venv
  log "building"
  node_modules/.bin/tsc -b chaincode gateway
  trap teardown EXIT
  log "bringing up the fault instance ($NETWORK_RUN_DIR, ports +$NETWORK_PORT_OFFSET)"
  bash network/up.sh --orderers 3
  gateways up

  local broken=() org url status
  if [[ $FUZZ_LONG == 1 ]]; then
    export FUZZ_SEEDS_FILE=$NETWORK_RUN_DIR/fuzz-seeds.json
    node_modules/.bin/ts-node "$FAULTS/support/fuzz-seeds.ts" "$FUZZ_SEEDS_FILE"
  fi
  if [[ $FUZZ_ONLY == 0 ]]; then
    tally_mocha node_modules/.bin/mocha --timeout 400000 "$FAULTS/**/*.test.ts" || broken+=(mocha)
    gateways up # a fault test may have left one restarting
  fi
  # Each gateway's fuzzing run counts as one test.
  while read -r org url; do
    status=0
    fuzz "$org" "$url" || status=$?
    tally_check "$status"
    ((status == 0)) || broken+=("schemathesis:$org")
  done < <(gateways list)
  tally_line faults
  if ((${#broken[@]})); then
    log "FAILED: ${broken[*]}"
    exit 1
  fi
  log "all fault and abuse tests passed"
}

main "$@"

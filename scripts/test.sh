#!/usr/bin/env bash
# The whole test suite: static checks, unit tests with coverage, then integration tests against the real
# Fabric network, which is built and brought up first when it is not already running.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/tally.sh
source scripts/lib/tally.sh

# Runs one mocha suite; on failure, closes with the counts so far (CI reads that line, not mocha's).
suite() {
  local status=0
  tally_mocha "$@" || status=$?
  if ((status != 0)); then
    tally_line tests
    exit "$status"
  fi
}

bash scripts/ensure-deps.sh
bash scripts/ensure-browser.sh
echo "[test] lint and type check"
npx eslint .
npx prettier --check .
npx tsc -b chaincode gateway
npx tsc --noEmit -p tsconfig.json
echo "[test] the console's production build"
npm run --silent build -w console
if command -v shellcheck >/dev/null; then
  shellcheck -x network/*.sh network/lib/*.sh network/builders/ccaas/bin/* scripts/*.sh scripts/lib/*.sh \
    test/faults/run.sh .ci/run
else
  echo "[test] shellcheck not installed: shell scripts not linted (apt-get install shellcheck)"
fi
echo "[test] unit tests"
suite npx c8 mocha 'test/unit/**/*.test.ts'
echo "[test] integration tests on the real network"
bash network/up.sh
suite npx mocha --timeout 120000 'test/integration/**/*.test.ts'
# Organisations join and leave: on a fresh instance of its own, removed afterwards, since the channel's
# membership changes for good. Each organisation and orderer runs there on a host of its own (a network
# namespace, network/lib/hosts.sh), and the gateway suite runs there too before the consortium changes:
# nothing relies on loopback. Where namespaces are refused, the instance runs on loopback and says so.
hosts=netns
if ! why=$(ip netns add "probe$$" 2>&1 && ip netns del "probe$$" 2>&1); then
  echo "[test] one host per organisation skipped, ip netns is refused here (${why:-no ip command}): the consortium instance runs on loopback"
  hosts=loopback
fi
echo "[test] the gateway and consortium tests on their own network instance ($hosts)"
consortium() { NETWORK_RUN_DIR=$PWD/network/run-consortium NETWORK_PORT_OFFSET=5000 NETWORK_HOSTS=$hosts "$@"; }
consortium bash network/down.sh --purge >/dev/null
consortium bash network/up.sh
status=0
consortium tally_mocha npx mocha --timeout 120000 test/integration/gateway/gateway.test.ts || status=$?
((status != 0)) || consortium tally_mocha npx mocha --timeout 600000 'test/consortium/**/*.test.ts' || status=$?
consortium bash network/down.sh --purge >/dev/null
((status == 0)) || {
  tally_line tests
  exit "$status"
}
tally_line tests

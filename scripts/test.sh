#!/usr/bin/env bash
# The whole test suite: static checks, unit tests with coverage, then integration tests against the real
# Fabric network, which is built and brought up first when it is not already running.
set -euo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
# Runs one mocha suite and adds its counts to the closing line (CI reads that line, not mocha's).
suite() {
  local out status=0
  out=$(mktemp)
  "$@" 2>&1 | tee "$out" || status=$?
  passed=$((passed + $(sed -nE 's/^ *([0-9]+) passing.*/\1/p' "$out" | tail -1 | grep . || echo 0)))
  failed=$((failed + $(sed -nE 's/^ *([0-9]+) failing.*/\1/p' "$out" | tail -1 | grep . || echo 0)))
  rm -f "$out"
  if ((status != 0)); then
    echo "tests: $passed passed, $((failed > 0 ? failed : 1)) failed"
    exit "$status"
  fi
}

bash scripts/ensure-deps.sh
echo "[test] lint and type check"
npx eslint .
npx prettier --check .
npx tsc -b chaincode gateway
npx tsc --noEmit -p tsconfig.json
if command -v shellcheck >/dev/null; then
  shellcheck network/*.sh network/lib/*.sh network/builders/ccaas/bin/* scripts/*.sh .ci/run
else
  echo "[test] shellcheck not installed: shell scripts not linted (apt-get install shellcheck)"
fi
echo "[test] unit tests"
suite npx c8 mocha 'test/unit/**/*.test.ts'
echo "[test] integration tests on the real network"
bash network/up.sh
suite npx mocha --timeout 120000 'test/integration/**/*.test.ts'
echo "tests: $passed passed, $failed failed"

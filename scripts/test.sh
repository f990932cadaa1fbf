#!/usr/bin/env bash
# The whole test suite: static checks, unit tests with coverage, then integration tests against the real
# Fabric network, which is built and brought up first when it is not already running.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
echo "[test] lint and type check"
npx eslint .
npx prettier --check .
npx tsc -b chaincode gateway
npx tsc --noEmit -p tsconfig.json
echo "[test] unit tests"
npx c8 mocha 'test/unit/**/*.test.ts'
echo "[test] integration tests on the real network"
bash network/up.sh
npx mocha --timeout 120000 'test/integration/**/*.test.ts'

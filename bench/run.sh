#!/usr/bin/env bash
# npm run bench: brings up the benchmark's own network (network/run-bench, every port + 10000, beside the
# development network), runs bench/src/main.ts against it with its own gateways (one per organisation), draws the
# scaling chart, then tears the network down (--keep leaves it up). --orgs N (5, 7, 9, ... 129) runs it on a
# generated consortium of N organisations: the regulator and as many hospitals as insurers (the workloads use
# hospital1, hospital2, insurer1 and insurer2; the others' peers validate and commit every block, as members
# do). --scale runs the scale benchmark (bench/src/scale.ts) instead of the throughput rounds. Other options go
# to the benchmark (--help).
set -euo pipefail
cd "$(dirname "$0")/.."

export NETWORK_RUN_DIR=network/run-bench
export NETWORK_PORT_OFFSET=10000
# The empty-transaction round uses the Perf contract, which only a network started with this serves.
export CHAINCODE_PERF=true
# The chart's Python environment lives outside the work tree, so linters never walk matplotlib's own files.
VENV=${BENCH_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/settlement-bench/venv}
KEEP=0
ORG_COUNT=''
ENTRY=bench/src/main.ts
USAGE="require('./bench/src/options').USAGE"
HELP=0
ARGS=()
for arg in "$@"; do
  case $arg in
    --keep) KEEP=1 ;;
    --orgs=*) ORG_COUNT=${arg#*=} ;;
    --scale) ENTRY=bench/src/scale.ts USAGE="require('./bench/src/scale').SCALE_USAGE" ;;
    --help | -h) HELP=1 ;;
    *) ARGS+=("$arg") ;;
  esac
done
# Printed without running the benchmark: fabric-common's config (nconf) would take --help for itself.
[[ $HELP == 0 ]] || exec node -r ts-node/register -e "console.log($USAGE)"

log() { echo "[bench] $*"; }

# shellcheck disable=SC2317  # invoked by the EXIT trap
teardown() {
  if [[ $KEEP == 1 ]]; then
    log "leaving the bench network up ($NETWORK_RUN_DIR); NETWORK_RUN_DIR=$NETWORK_RUN_DIR NETWORK_PORT_OFFSET=$NETWORK_PORT_OFFSET bash network/down.sh --purge removes it"
  else
    log "tearing the bench network down"
    bash network/down.sh --purge >/dev/null || true
  fi
}

# matplotlib from PyPI, installed once; without Python the run still produces its table and JSON.
ensure_chart_python() {
  if [[ ! -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c 'import matplotlib' 2>/dev/null; then
    log "installing matplotlib into $VENV"
    if ! { python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet matplotlib; }; then
      log "could not install matplotlib: the chart will be skipped"
      return 0
    fi
  fi
  export BENCH_PYTHON=$VENV/bin/python
}

# A consortium of ORG_COUNT organisations, for the network this run creates.
generate_consortium() {
  if ! [[ $ORG_COUNT =~ ^[0-9]+$ ]] || ((ORG_COUNT < 5 || ORG_COUNT % 2 == 0 || ORG_COUNT > 129)); then
    echo "[bench] --orgs must be an odd number from 5 to 129" >&2
    exit 2
  fi
  NETWORK_CONSORTIUM=$(mktemp --suffix .json)
  export NETWORK_CONSORTIUM
  npx ts-node network/consortium/cli.ts generate $(((ORG_COUNT - 1) / 2)) $(((ORG_COUNT - 1) / 2)) "$NETWORK_CONSORTIUM"
  log "a generated consortium of $ORG_COUNT organisations"
}

main() {
  bash scripts/ensure-deps.sh
  ensure_chart_python
  [[ -z $ORG_COUNT ]] || generate_consortium
  # A fresh channel each run, so that the block-cutting settings in force are the ones configured now.
  bash network/down.sh --purge >/dev/null
  trap teardown EXIT
  log "bringing up the bench network"
  bash network/up.sh
  log "building"
  npx tsc -b chaincode gateway
  # fabric-network warns on every TLS connection to 127.0.0.1 (an IP as server name): noise here.
  NODE_OPTIONS=--no-deprecation node -r ts-node/register "$ENTRY" "${ARGS[@]}"
}

main

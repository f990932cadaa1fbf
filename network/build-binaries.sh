#!/usr/bin/env bash
# Builds Fabric's peer, orderer, configtxgen, configtxlator, cryptogen and osnadmin from the version pinned in
# network/fabric/go.mod into network/build/bin, skipping those already there. With FABRIC_BIN set to a
# folder of existing binaries, only checks that they are there.
set -euo pipefail
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

COMMANDS=(peer orderer configtxgen configtxlator cryptogen osnadmin)

missing_commands() {
  local cmd
  for cmd in "${COMMANDS[@]}"; do
    [[ -x $(fabric_cmd "$cmd") ]] || echo "$cmd"
  done
}

require_go() {
  command -v go >/dev/null ||
    die "Go is not installed, and Fabric's binaries are missing from $FABRIC_BIN. Install Go (1.22 or later) and retry, or set FABRIC_BIN to a folder holding peer, orderer, configtxgen, configtxlator, cryptogen and osnadmin."
}

# Downloads the pinned module and its dependencies first, so that a refusing proxy is reported as such.
download_modules() {
  local out
  if ! out=$(cd "$NETWORK_DIR/fabric" && go mod download 2>&1); then
    printf '%s\n' "$out" | tail -n 5 >&2
    die "could not download Fabric's Go modules (GOPROXY=$(go env GOPROXY)). Check network access to the Go module proxy, or set GOPROXY/GOFLAGS, or set FABRIC_BIN to existing Fabric binaries."
  fi
}

build_command() {
  local cmd=$1
  log "building $cmd"
  (cd "$NETWORK_DIR/fabric" && go build -o "$FABRIC_BIN/$cmd" "github.com/hyperledger/fabric/cmd/$cmd") ||
    die "go build of $cmd failed (output above)"
}

main() {
  local missing cmd
  mapfile -t missing < <(missing_commands)
  ((${#missing[@]} == 0)) && return 0
  if [[ $FABRIC_BIN != "$NETWORK_DIR/build/bin" ]]; then
    die "FABRIC_BIN=$FABRIC_BIN lacks: ${missing[*]}"
  fi
  require_go
  download_modules
  mkdir -p "$FABRIC_BIN"
  for cmd in "${missing[@]}"; do build_command "$cmd"; done
}

main "$@"

#!/usr/bin/env bash
# Where each node runs: orderer<i>, or an organisation (its peer, chaincode service and gateway). A network is
# created in one of two modes, NETWORK_HOSTS, kept in run/state/hosts:
# - loopback (the default): every process listens on this machine's 127.0.0.1;
# - netns: every organisation and every orderer is a host of its own, a Linux network namespace with its own
#   address on a bridge (veth pairs). Nothing can reach another member through loopback, so what works here
#   works across machines. The bridge's address is this machine's own: from it the admins' CLIs and the tests
#   reach every host, as a member's administrators would over the network.
# Namespaces, bridge and subnet are named after the port offset, so that instances do not meet.

HOSTS_FILE="$STATE_DIR/hosts.tsv"
HOSTS_PREFIX="stl$PORT_OFFSET"
HOSTS_BRIDGE="${HOSTS_PREFIX}br"
HOSTS_SUBNET="10.213.$((PORT_OFFSET / 100))"

hosts_mode() { cat "$STATE_DIR/hosts" 2>/dev/null || echo loopback; }
netns_mode() { [[ $(hosts_mode) == netns ]]; }

# Why namespaces cannot be made here (not root, no ip(8)), or nothing when they can.
netns_refusal() {
  local probe="${HOSTS_PREFIX}probe$$" out
  out=$(ip netns add "$probe" 2>&1 && ip netns del "$probe" 2>&1) && return 0
  echo "${out:-ip netns failed}"
}

# The mode is part of every certificate and of the channel's configuration: chosen once, for a new network.
settle_hosts_mode() {
  local requested=${NETWORK_HOSTS:-} existing refusal
  if [[ -f $STATE_DIR/hosts ]]; then
    existing=$(hosts_mode)
    [[ -z $requested || $requested == "$existing" ]] ||
      die "this network was created with NETWORK_HOSTS=$existing; run npm run network:down -- --purge to recreate it"
    return 0
  fi
  # Networks made before the modes existed are loopback ones.
  [[ -f $STATE_DIR/orderers && -z $requested ]] && requested=loopback
  case "${requested:-loopback}" in
    loopback) ;;
    netns)
      refusal=$(netns_refusal)
      [[ -z $refusal ]] || die "NETWORK_HOSTS=netns needs ip netns (root or CAP_NET_ADMIN), which is refused here: $refusal"
      ;;
    *) die "NETWORK_HOSTS must be loopback or netns" ;;
  esac
  mkdir -p "$STATE_DIR"
  echo "${requested:-loopback}" >"$STATE_DIR/hosts"
}

host_index() { [[ -f $HOSTS_FILE ]] && awk -v node="$1" '$1 == node { print $2 }' "$HOSTS_FILE"; }

# assign_host NODE: gives NODE the next free address (the bridge has .1), once; its certificates name it.
assign_host() {
  netns_mode || return 0
  [[ -n $(host_index "$1") ]] && return 0
  local next
  next=$(awk 'BEGIN { n = 1 } $2 > n { n = $2 } END { print n + 1 }' "$HOSTS_FILE" 2>/dev/null || echo 2)
  ((next < 255)) || die "no address left for $1 on $HOSTS_SUBNET.0/24"
  printf '%s\t%s\n' "$1" "$next" >>"$HOSTS_FILE"
}

host_address() {
  netns_mode || {
    echo 127.0.0.1
    return 0
  }
  local index
  index=$(host_index "$1")
  [[ -n $index ]] || die "no address assigned to $1"
  echo "$HOSTS_SUBNET.$index"
}

netns_of() { echo "$HOSTS_PREFIX-$1"; }

# The words that run a command on NODE's host (one a line, for mapfile): nothing on loopback.
host_command() {
  netns_mode || return 0
  printf '%s\n' ip netns exec "$(netns_of "$1")"
}

ensure_bridge() {
  [[ -e /sys/class/net/$HOSTS_BRIDGE ]] && return 0
  run_logged "bridge $HOSTS_BRIDGE" ip link add "$HOSTS_BRIDGE" type bridge
  run_logged "bridge address" ip addr add "$HOSTS_SUBNET.1/24" dev "$HOSTS_BRIDGE"
  run_logged "bridge up" ip link set "$HOSTS_BRIDGE" up
}

# ensure_host NODE: NODE's namespace, linked to the bridge by a veth pair whose inner end (eth0) has NODE's
# address; also after a reboot, which takes namespaces away.
ensure_host() {
  netns_mode || return 0
  local node=$1 ns index outer inner
  ns=$(netns_of "$node")
  [[ -e /run/netns/$ns ]] && return 0
  assign_host "$node"
  index=$(host_index "$node")
  outer="${HOSTS_PREFIX}h$index" inner="${HOSTS_PREFIX}n$index"
  ensure_bridge
  log "host $node: namespace $ns, address $(host_address "$node")"
  run_logged "namespace $ns" ip netns add "$ns"
  ip link del "$outer" 2>/dev/null || true
  run_logged "veth for $ns" ip link add "$outer" type veth peer name "$inner"
  run_logged "veth on the bridge" ip link set "$outer" master "$HOSTS_BRIDGE" up
  run_logged "veth into $ns" ip link set "$inner" netns "$ns"
  run_logged "eth0 in $ns" ip -n "$ns" link set "$inner" name eth0
  run_logged "address in $ns" ip -n "$ns" addr add "$(host_address "$node")/24" dev eth0
  run_logged "eth0 up in $ns" ip -n "$ns" link set eth0 up
  run_logged "loopback up in $ns" ip -n "$ns" link set lo up
}

# Every namespace and the bridge of this instance (after its processes stopped).
remove_hosts() {
  local ns
  for ns in /run/netns/"$HOSTS_PREFIX"-*; do
    [[ -e $ns ]] && ip netns del "$(basename "$ns")"
  done
  [[ ! -e /sys/class/net/$HOSTS_BRIDGE ]] || ip link del "$HOSTS_BRIDGE"
}

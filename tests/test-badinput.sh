#!/bin/bash
# test-badinput: requests Docker would never send, or that a user got wrong
# (bad "-o" options).  Each must get a non-200 status with {"Err": "..."}
# saying what is wrong, change nothing in OVSDB, and leave the daemon
# serving.

if [ -z "$BASH_VERSION" ]; then
    exec bash "$0" "$@"
fi
set -e
. "${top_srcdir:-$(dirname "$0")/..}/tests/ovs-sandbox.sh"

sandbox_start

# A network and an endpoint that bad requests must not disturb.
N1=$(gen_id 1)
E1=$(gen_id a1)
rpc_ok NetworkDriver.CreateNetwork \
    "$(net_body "$N1" 198.51.100.0/24 198.51.100.1/24)"
rpc_ok NetworkDriver.CreateEndpoint "$(ep_body "$N1" "$E1" 198.51.100.2/24)"
MAC1=$(jraw .Interface.MacAddress)

# A network device that is no OVS bridge, for ovs.bridge to name.
ip -n "$NS" link add notabridge type veth peer name notabridge-p \
    || fail "cannot create a veth pair"

BEFORE=$(db_dump)
LINKS=$(ip -n "$NS" -br link | awk '{print $1}' | sort | tr '\n' ' ')

# refused WHAT PATH BODY REGEX...: the call fails with an "Err" matching
# every REGEX (extended, any case), and nothing changed.
refused() {
    local what=$1 path=$2 body=$3 re
    shift 3
    log "--- $what"
    RPC_OPTIONS=(${METHOD:+--method=$METHOD})
    rpc_err "$path" "$body"
    RPC_OPTIONS=()
    for re in "$@"; do
        check_imatch "$what: error message" "$re" "$ERR_MSG"
    done
    check_unchanged "$what"
}

# check_unchanged WHAT: OVSDB and the links are as before; ovsnetd answers.
check_unchanged() {
    check_eq "$1: OVSDB" "$BEFORE" "$(db_dump)"
    check_eq "$1: links" "$LINKS" \
        "$(ip -n "$NS" -br link | awk '{print $1}' | sort | tr '\n' ' ')"
    ovsnetd_running || fail "$1: ovsnetd died"
    rpc_ok Plugin.Activate
    check_reply '{"Implements":["NetworkDriver","IpamDriver"]}'
}

# not_known NETWORK: ovsnetd does not list NETWORK.
not_known() {
    appctl network/list > "$T/network-list" || fail "network/list failed"
    if grep -q "${1:0:12}" "$T/network-list"; then
        fail "a refused network is listed: $(cat "$T/network-list")"
    fi
}

V4='"IPv4Data":[{"AddressSpace":"LocalDefault","Pool":"203.0.113.0/24","Gateway":"203.0.113.1/24"}]'
N2=$(gen_id 2)
E2=$(gen_id b2)

# ---------------------------------------------------------------------------
log "=== not JSON, not the right JSON"

refused "malformed JSON" NetworkDriver.CreateNetwork \
    "{\"NetworkID\":\"$N2\",\"Options\":{" 'json'
refused "JSON that is not an object" NetworkDriver.CreateNetwork \
    "[\"$N2\"]" 'json|object'
refused "empty body" NetworkDriver.CreateNetwork "" 'json|body|empty'
refused "NetworkID a number" NetworkDriver.CreateNetwork \
    "{\"NetworkID\":42,\"Options\":{},$V4}" NetworkID
refused "NetworkID null" NetworkDriver.CreateNetwork \
    "{\"NetworkID\":null,\"Options\":{},$V4}" NetworkID
refused "no NetworkID" NetworkDriver.CreateNetwork \
    "{\"Options\":{},$V4}" NetworkID
refused "NetworkID not hex" NetworkDriver.CreateNetwork \
    "{\"NetworkID\":\"../../etc\",\"Options\":{},$V4}" NetworkID
refused "Options a string" NetworkDriver.CreateNetwork \
    "{\"NetworkID\":\"$N2\",\"Options\":\"ovs.vlan=10\",$V4}" Options
refused "generic options not strings" NetworkDriver.CreateNetwork \
    "$(GENERIC='{"ovs.vlan":10}' net_body "$N2" 203.0.113.0/24 203.0.113.1/24)" \
    'ovs\.vlan'
refused "IPv4Data an object" NetworkDriver.CreateNetwork \
    "{\"NetworkID\":\"$N2\",\"Options\":{},\"IPv4Data\":{\"Pool\":\"203.0.113.0/24\"}}" \
    IPv4Data
refused "a pool that is not a CIDR" NetworkDriver.CreateNetwork \
    "$(net_body "$N2" 203.0.113.0/33 203.0.113.1/24)" '203\.0\.113\.0/33|pool'
not_known "$N2"

refused "CreateEndpoint without NetworkID" NetworkDriver.CreateEndpoint \
    "$(ep_body "$N1" "$E2" 198.51.100.3/24 | jq -c 'del(.NetworkID)')" \
    NetworkID
refused "CreateEndpoint without EndpointID" NetworkDriver.CreateEndpoint \
    "$(ep_body "$N1" "$E2" 198.51.100.3/24 | jq -c 'del(.EndpointID)')" \
    EndpointID
refused "EndpointID a number" NetworkDriver.CreateEndpoint \
    "$(ep_body "$N1" "$E2" 198.51.100.3/24 | jq -c '.EndpointID = 7')" \
    EndpointID
refused "CreateEndpoint on an unknown network" NetworkDriver.CreateEndpoint \
    "$(ep_body "$N2" "$E2" 203.0.113.3/24)" "${N2:0:9}"
refused "an Address without a mask" NetworkDriver.CreateEndpoint \
    "$(ep_body "$N1" "$E2" 198.51.100.3)" '198\.51\.100\.3|Address'
refused "a MacAddress that is not one" NetworkDriver.CreateEndpoint \
    "$(ep_body "$N1" "$E2" 198.51.100.3/24 "" "not-a-mac")" \
    'not-a-mac|MacAddress'
refused "Join without EndpointID" NetworkDriver.Join \
    "$(join_body "$N1" "$E1" | jq -c 'del(.EndpointID)')" EndpointID
refused "DeleteEndpoint without NetworkID" NetworkDriver.DeleteEndpoint \
    "$(ids_body "$N1" "$E1" | jq -c 'del(.NetworkID)')" NetworkID
refused "DeleteNetwork with a NetworkID that is an object" \
    NetworkDriver.DeleteNetwork '{"NetworkID":{"a":1}}' NetworkID

# ---------------------------------------------------------------------------
log "=== bad -o options"

# bad_option WHAT GENERIC-JSON [V6POOL V6GW] REGEX...
bad_option() {
    local what=$1 generic=$2 body
    shift 2
    if [ "${1-}" = -6 ]; then
        body=$(GENERIC=$generic net_body "$N2" 203.0.113.0/24 \
               203.0.113.1/24 2001:db8:2::/64 2001:db8:2::1/64)
        shift
    else
        body=$(GENERIC=$generic net_body "$N2" 203.0.113.0/24 203.0.113.1/24)
    fi
    refused "$what" NetworkDriver.CreateNetwork "$body" "$@"
    not_known "$N2"
}

bad_option "ovs.vlan=0" '{"ovs.vlan":"0"}' 'ovs\.vlan' '\<0\>'
bad_option "ovs.vlan=4095" '{"ovs.vlan":"4095"}' 'ovs\.vlan' 4095
bad_option "ovs.vlan=abc" '{"ovs.vlan":"abc"}' 'ovs\.vlan' abc
bad_option "ovs.vlan=-1" '{"ovs.vlan":"-1"}' 'ovs\.vlan'
bad_option "ovs.vlan=10x" '{"ovs.vlan":"10x"}' 'ovs\.vlan'
bad_option "mtu=67" '{"com.docker.network.driver.mtu":"67"}' \
    'mtu' '\<67\>'
bad_option "mtu=abc" '{"com.docker.network.driver.mtu":"abc"}' 'mtu' abc
bad_option "mtu=1279 with IPv6" '{"com.docker.network.driver.mtu":"1279"}' \
    -6 'mtu' 1279
bad_option "ovs.unknown=1" '{"ovs.unknown":"1"}' 'ovs\.unknown'
bad_option "ovs.bridge with a slash" '{"ovs.bridge":"a/b"}' 'ovs\.bridge'
bad_option "ovs.bridge too long" '{"ovs.bridge":"abcdefghijklmnop"}' \
    'ovs\.bridge'
bad_option "ovs.datapath=nonsense" '{"ovs.datapath":"nonsense"}' \
    'ovs\.datapath'

# ---------------------------------------------------------------------------
log "=== gateways no host may have"

# A hostile client, not Docker: its gateways are always in their pools, and
# no two networks share one.
refused "a gateway outside its pool" NetworkDriver.CreateNetwork \
    "$(net_body "$N2" 203.0.113.0/24 198.51.100.1/24)" \
    'IPv4Data\[0\]\.Gateway' '198\.51\.100\.1/24' '203\.0\.113\.0/24'
refused "an IPv6 gateway outside its pool" NetworkDriver.CreateNetwork \
    "$(net_body "$N2" 203.0.113.0/24 203.0.113.1/24 2001:db8:2::/64 \
       2001:db8:1::1/64)" 'IPv6Data\[0\]\.Gateway' '2001:db8:1::1/64'
refused "the pool's network address as gateway" NetworkDriver.CreateNetwork \
    "$(net_body "$N2" 203.0.113.0/24 203.0.113.0/24)" \
    'IPv4Data\[0\]\.Gateway' 'network address'
refused "the pool's broadcast address as gateway" \
    NetworkDriver.CreateNetwork \
    "$(net_body "$N2" 203.0.113.0/24 203.0.113.255/24)" \
    'IPv4Data\[0\]\.Gateway' 'broadcast'
refused "another network's gateway" NetworkDriver.CreateNetwork \
    "$(net_body "$N2" 198.51.100.0/24 198.51.100.1/24)" \
    'IPv4Data' '198\.51\.100\.1' "${N1:0:12}"
not_known "$N2"

# ---------------------------------------------------------------------------
log "=== HTTP level"

# Over 1 MiB of valid JSON.
{
    printf '{"NetworkID":"%s","Options":{"com.docker.network.generic":{"x":"' "$N2"
    head -c 1100000 /dev/zero | tr '\0' a
    printf '"}},"IPv4Data":[],"IPv6Data":null}'
} > "$T/big.json"
# Whether a client still sending gets the reply can depend on timing (a
# server that answers before reading the body and closes): try a few times.
for i in 1 2 3 4 5 6 7 8 9 10; do
    log "--- a body over 1 MiB ($i)"
    rpc_err NetworkDriver.CreateNetwork "@$T/big.json"
    check_imatch "a body over 1 MiB: error message" \
        'large|size|limit|MiB|bytes|long' "$ERR_MSG"
done
check_unchanged "a body over 1 MiB"
not_known "$N2"

GENERIC='{"ovs.bridge":"notabridge"}' refused \
    "ovs.bridge naming a network device that is not a bridge" \
    NetworkDriver.CreateNetwork \
    "$(GENERIC='{"ovs.bridge":"notabridge"}' net_body "$N2" 203.0.113.0/24 203.0.113.1/24)" \
    'ovs.bridge=notabridge' 'not an Open vSwitch bridge'
not_known "$N2"

METHOD=GET refused "GET instead of POST" Plugin.Activate "" 'GET|POST|method'
METHOD=PUT refused "PUT instead of POST" NetworkDriver.CreateNetwork \
    "$(net_body "$N2" 203.0.113.0/24 203.0.113.1/24)" 'PUT|POST|method'
not_known "$N2"

# ---------------------------------------------------------------------------
log "=== what was there still works"

rpc_ok NetworkDriver.Join "$(join_body "$N1" "$E1")"
check_json .InterfaceName.SrcName "\"ovsct-$(short "$E1")\""
rpc_ok NetworkDriver.CreateEndpoint "$(ep_body "$N1" "$E1" 198.51.100.2/24)"
check_json '.Interface.MacAddress // "'"$MAC1"'"' "\"$MAC1\""
rpc_ok NetworkDriver.Leave "$(ids_body "$N1" "$E1")"
rpc_ok NetworkDriver.DeleteEndpoint "$(ids_body "$N1" "$E1")"
! port_exists "ovsep-$(short "$E1")" || fail "E1 not deleted"
rpc_ok NetworkDriver.DeleteNetwork "$(ids_body "$N1")"
! port_exists "ovsgw-$(short "$N1")" || fail "N1 not deleted"
log "PASS"

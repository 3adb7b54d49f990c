#!/bin/bash
# Docker end to end: what Docker 28 sends that Docker 20.10 did not, read
# from what really reaches ovsnetd (its driver module logs every call's body
# at debug level):
#   - CreateNetwork's com.docker.network.enable_ipv4 (28) is accepted;
#   - an IPv6-only network (--ipv4=false, 28): no IPv4 anywhere, TCP between
#     two containers and the gateway over IPv6, and network/list shows its
#     subnet and gateway without an empty IPv4 column;
#   - endpoint options: per-interface sysctls (28 applies them itself), an
#     interface name (dropped by Docker for a remote driver), DNS servers:
#     ignored, never refused;
#   - ProgramExternalConnectivity's options (28 adds
#     com.docker.network.driver.private.no_proxy_6to4): the published port
#     works over TCP and goes with the container;
#   - ovsnet advertises no GwAllocChecker: Docker never calls GwAllocCheck
#     and allocates the gateway itself.
# With an older engine the test does what that engine can and says what it
# left out (OVSNET_DOCKER_ENGINE=sid runs it against Docker 28).
set -eu

. "${top_srcdir:-$(dirname "$0")/..}/tests/docker-lib.sh"

docker_sandbox_start
V=$(docker_version)
[ -n "$V" ] || fail "cannot read the engine's version: $("$DOCKERD" --version)"
log "Docker $V"
appctl vlog/set driver:file:dbg > /dev/null

# calls NAME: the bodies of the NAME calls ovsnetd received so far, one a
# line.
calls() {
    sed -n "s/.*|driver|DBG|\/NetworkDriver\.$1 //p" "$T/ovsnetd.log"
}

# jc FILTER JSON: FILTER's result, compact.
jc() {
    printf '%s' "$2" | jq -c "$1" 2> /dev/null || echo "(not JSON: $2)"
}

# last_call NAME: the body of the last NAME call, which must have come.
last_call() {
    local body
    body=$(calls "$1" | tail -n 1)
    [ -n "$body" ] || fail "ovsnetd received no $1"
    printf '%s\n' "$body"
}

log "capabilities: no GwAllocChecker"
rpc_ok NetworkDriver.GetCapabilities '{}'
check_eq "GwAllocChecker in GetCapabilities" null "$(jraw .GwAllocChecker)"

log "network web (IPv4)"
dk_ok network create -d ovs --subnet 198.51.100.0/24 web > /dev/null
body=$(last_call CreateNetwork)
v4opt=$(jraw '.Options["com.docker.network.enable_ipv4"]' "$body")
if [ "$V" -ge 28 ]; then
    check_eq "enable_ipv4 in CreateNetwork" true "$v4opt"
else
    log "Docker $V sends no enable_ipv4 (seen: $v4opt)"
fi
check_eq "IPv4 gateway Docker sent" 198.51.100.1/24 \
    "$(jraw '.IPv4Data[0].Gateway' "$body")"
# (Docker 28's "network inspect" shows no gateway it chose itself in
# IPAM.Config: the containers' routes and the host's address say it.)
log "docker network inspect web: IPAM.Config" \
    "$(dk network inspect -f '{{json .IPAM.Config}}' web)"
check_eq "GwAllocCheck calls" "" "$(calls GwAllocCheck)"

log "endpoint options"
# Docker 28 takes per-interface sysctls as an endpoint option, IFNAME
# standing for the interface, and sets them itself; Docker 20.10 passes the
# option on to the driver and sets nothing.
run_container s1 \
    "name=web,driver-opt=com.docker.network.endpoint.sysctls=net.ipv4.conf.IFNAME.forwarding=1"
body=$(last_call CreateEndpoint)
log "CreateEndpoint with a sysctls driver-opt: options" \
    "$(jc '.Options' "$body")"
check_match "sysctls in CreateEndpoint" \
    '^net\.ipv4\.conf\.(IFNAME|ifname)\.forwarding=1$' \
    "$(jraw '.Options["com.docker.network.endpoint.sysctls"]' "$body")"
fwd=$(cexec_ok s1 cat /proc/sys/net/ipv4/conf/eth0/forwarding)
if [ "$V" -ge 28 ]; then
    check_eq "s1's eth0 forwarding (set by dockerd)" 1 "$fwd"
    # Docker 28 refuses the old way itself, on any network but the
    # default bridge, before any call to the driver.
    n=$(calls CreateEndpoint | wc -l)
    dk_fails run -d --name s4 --network web \
        --sysctl net.ipv4.conf.eth0.forwarding=1 "$IMAGE" sleep 3600
    log "--sysctl net.ipv4.conf.eth0.forwarding=1: $DK_OUT"
    check_eq "CreateEndpoint calls after Docker refused s4" "$n" \
        "$(calls CreateEndpoint | wc -l)"
    dk rm -f s4 > /dev/null 2>&1 || true
else
    log "Docker $V does not apply endpoint sysctls (s1's eth0 forwarding" \
        "$fwd); --sysctl does"
    run_container s4 web --sysctl net.ipv4.conf.eth0.forwarding=1
    check_eq "s4's eth0 forwarding" 1 \
        "$(cexec_ok s4 cat /proc/sys/net/ipv4/conf/eth0/forwarding)"
fi
check_contains "s1's default route" "default via 198.51.100.1" \
    "$(cexec_ok s1 ip route)"
check_contains "gateway address in $NS" "198.51.100.1/24" \
    "$(ip -n "$NS" -o addr show)"
ping_ok s1 198.51.100.1
run_container s2 \
    "name=web,driver-opt=com.docker.network.endpoint.dnsservers=198.51.100.53"
check_eq "dnsservers in CreateEndpoint" 198.51.100.53 \
    "$(jraw '.Options["com.docker.network.endpoint.dnsservers"]' \
           "$(last_call CreateEndpoint)")"
if [ "$V" -ge 28 ]; then
    # Docker 28 reads an interface name from this driver option (its
    # client has no interface-name= yet) and keeps it from remote drivers:
    # the container's interface is what Join's DstPrefix says, all the
    # same.
    run_container s3 \
        name=web,driver-opt=com.docker.network.endpoint.ifname=web0
    body=$(last_call CreateEndpoint)
    log "CreateEndpoint with driver-opt ifname web0: options" \
        "$(jc '.Options' "$body")"
    ifname=$(jraw '.Options["com.docker.network.endpoint.ifname"] // ""' \
                 "$body")
    links=$(cexec_ok s3 ip -o link show \
                | sed -n 's/^[0-9]*: \([^:@]*\).*/\1/p' | grep -v '^lo$')
    log "s3's interface: $links"
    check_match "s3's interfaces" "^(eth0|$ifname)$" "$links"
    fetch_from=s3
else
    log "Docker $V: no interface-name, not tried"
    fetch_from=s2
fi
serve s1
fetch_ok "$fetch_from" s1
fetch_ok s2 "$(container_ip s1 web)" s1

log "published port"
run_container p1 web -p 8080:80
body=$(last_call ProgramExternalConnectivity)
log "ProgramExternalConnectivity options: $(jc '.Options | keys' "$body")"
check_eq "port map Docker sent" "6 80 8080" \
    "$(jraw '.Options["com.docker.network.portmap"][0]
             | "\(.Proto) \(.Port) \(.HostPort)"' "$body")"
if [ "$V" -ge 28 ]; then
    check_match "no_proxy_6to4 in ProgramExternalConnectivity" \
        '^(true|false)$' \
        "$(jraw '.Options["com.docker.network.driver.private.no_proxy_6to4"]' \
               "$body")"
fi
serve p1
# Through the host's published port, from another container (hairpin).
got=
for _ in $(seq 50); do
    got=$(cexec s2 timeout 10 wget -q -O - \
              http://198.51.100.1:8080/index.html 2>&1) && break
    sleep 0.2
done
check_eq "page fetched by s2 through 198.51.100.1:8080" \
    "ovsnet e2e test page" "$got"
dnat_rules() {
    in_ns nft list table inet ovsnet 2> /dev/null | grep -w dnat || true
}
check_contains "DNAT rule for 8080" "dport 8080 dnat" "$(dnat_rules)"
dk_ok rm -f p1 > /dev/null
wait_until "no DNAT rule left after docker rm" test -z "$(dnat_rules)"

if [ "$V" -ge 28 ]; then
    log "IPv6-only network v6only (--ipv4=false)"
    dk_ok network create -d ovs --ipv4=false --ipv6 \
        --subnet 2001:db8:5::/64 v6only > /dev/null
    body=$(last_call CreateNetwork)
    check_eq "enable_ipv4 in CreateNetwork" false \
        "$(jraw '.Options["com.docker.network.enable_ipv4"]' "$body")"
    check_eq "IPv4Data" 0 "$(jraw '.IPv4Data // [] | length' "$body")"
    id=$(dk network inspect -f '{{.Id}}' v6only)
    run_container v1 v6only
    run_container v2 v6only
    v1v6=$(container_ip v1 v6only 6)
    v2v6=$(container_ip v2 v6only 6)
    log "v1 $v1v6, v2 $v2v6"
    check_match "v2's IPv6 address" '^2001:db8:5:' "$v2v6"
    check_eq "v1's IPv4 address" "" "$(container_ip v1 v6only)"
    check_nomatch "v1's IPv4 addresses" 'inet ' \
        "$(cexec_ok v1 ip -4 addr show eth0)"
    check_contains "v1's IPv6 default route" "default via 2001:db8:5::1" \
        "$(cexec_ok v1 ip -6 route)"
    ping_ok v1 2001:db8:5::1 -6
    serve v2
    fetch_ok v1 "$v2v6" v2
    line=$(appctl network/list | grep "^${id:0:12} ")
    log "network/list: $line"
    check_match "network/list line of v6only" \
        ' 2001:db8:5::/64 \(2001:db8:5::1/64\)$' "$line"
    check_nomatch "network/list line of v6only" ' - 2001|\(- ' "$line"
    dk_ok rm -f v1 v2 > /dev/null
    dk_ok network rm v6only > /dev/null
else
    log "Docker $V: no --ipv4=false, IPv6-only networks not tried"
fi

log "removing"
dk_ok rm -f s1 s2 > /dev/null
dk rm -f s3 s4 > /dev/null 2>&1 || true
dk_ok network rm web > /dev/null
check_nothing_left

# tests/nat-lib.sh: helpers of the external connectivity tests.
#
# Sourced after tests/ovs-sandbox.sh (or tests/docker-lib.sh).  Traffic is
# made with netcat-openbsd's nc run in namespaces ("ip netns exec"); what
# ovsnet put in the kernel is read with nft.

# nat_find_tools: skips the test without nft or nc.
nat_find_tools() {
    command -v nft > /dev/null \
        || skip "nft not found (apt-get install nftables)"
    command -v nc > /dev/null \
        || skip "nc not found (apt-get install netcat-openbsd)"
}

# nat_outside: makes namespace $OUT, "outside" the host, on a veth pair:
# 203.0.113.2 and 2001:db8:f::2 there, 203.0.113.1 and 2001:db8:f::1 on
# the host's end, "uplink".
nat_outside() {
    OUT=$(sandbox_netns out)
    ip -n "$NS" link add uplink type veth peer name eth0 netns "$OUT"
    ip -n "$NS" addr add 203.0.113.1/24 dev uplink
    ip -n "$NS" addr add 2001:db8:f::1/64 dev uplink nodad
    ip -n "$NS" link set uplink up
    ip -n "$OUT" addr add 203.0.113.2/24 dev eth0
    ip -n "$OUT" addr add 2001:db8:f::2/64 dev eth0 nodad
    ip -n "$OUT" link set eth0 up
}

# ovsnet_table: table inet ovsnet as nft lists it, or nothing.
ovsnet_table() {
    in_ns nft list table inet ovsnet 2> /dev/null || true
}

# port_rules: the rules of chain "ports", one a line.
port_rules() {
    in_ns nft list chain inet ovsnet ports 2> /dev/null \
        | sed -n 's/^\t\t//p' || true
}

# masq_rules: the rules of chain "postrouting", one a line.
masq_rules() {
    in_ns nft list chain inet ovsnet postrouting 2> /dev/null \
        | sed -n 's/^\t\t//p' | grep -v '^type ' || true
}

# serve NETNS PROTO ADDR PORT FILE: one connection (TCP) or one datagram's
# peer (UDP) accepted on ADDR PORT in NETNS; what arrives goes to FILE,
# nc's "Connection received on ADDR PORT" to FILE.peer.  Bounded in time.
# Sets SERVE_PID; serve_stop ends it.
serve() {
    local netns=$1 proto=$2 addr=$3 port=$4 file=$5 opt=-l
    rm -f "$file" "$file.peer"
    [ "$proto" = udp ] && opt=-lu
    ip netns exec "$netns" timeout 15 nc $opt -vn "$addr" "$port" \
        > "$file" 2> "$file.peer" &
    SERVE_PID=$!
    # Until it listens.
    local deadline=$((SECONDS + 5))
    until grep -qs 'Listening\|Bound' "$file.peer"; do
        [ $SECONDS -lt $deadline ] || fail "nc did not listen in $netns"
        sleep 0.05
    done
}

# serve_stop: ends the server serve started (only it: dockerd is another
# child of the test's shell).
serve_stop() {
    kill "$SERVE_PID" 2> /dev/null || true
    wait "$SERVE_PID" 2> /dev/null || true
}

# send NETNS PROTO ADDR PORT WORD: sends WORD from NETNS.
send() {
    local netns=$1 proto=$2 addr=$3 port=$4 word=$5
    if [ "$proto" = udp ]; then
        echo "$word" | ip netns exec "$netns" timeout 3 nc -u -w1 "$addr" "$port"
    else
        echo "$word" | ip netns exec "$netns" timeout 3 nc -N -w2 "$addr" "$port"
    fi
}

# reaches FROM PROTO ADDR PORT TO TO_ADDR TO_PORT: a connection from FROM
# to ADDR PORT arrives at a server on TO_ADDR TO_PORT in namespace TO.
# Prints the peer address the server saw.
reaches() {
    local from=$1 proto=$2 addr=$3 port=$4 to=$5 to_addr=$6 to_port=$7
    local f=$SANDBOX_DIR/srv word=w$RANDOM
    serve "$to" "$proto" "$to_addr" "$to_port" "$f"
    send "$from" "$proto" "$addr" "$port" "$word" > /dev/null 2>&1 || true
    local deadline=$((SECONDS + 5))
    until grep -qs "$word" "$f"; do
        if [ $SECONDS -ge $deadline ]; then
            fail "$proto from $from to $addr:$port did not reach $to" \
                 "$to_addr:$to_port"
        fi
        sleep 0.05
    done
    sed -n 's/^Connection received on \([^ ]*\) .*/\1/p' "$f.peer"
    serve_stop
}

# does_not_reach FROM PROTO ADDR PORT TO TO_ADDR TO_PORT
does_not_reach() {
    local from=$1 proto=$2 addr=$3 port=$4 to=$5 to_addr=$6 to_port=$7
    local f=$SANDBOX_DIR/srv word=w$RANDOM
    serve "$to" "$proto" "$to_addr" "$to_port" "$f"
    send "$from" "$proto" "$addr" "$port" "$word" > /dev/null 2>&1 || true
    sleep 1
    if grep -qs "$word" "$f"; then
        fail "$proto from $from to $addr:$port reached $to $to_addr:$to_port"
    fi
    serve_stop
}

# portmap_body NETWORK ENDPOINT PORTMAP-JSON: ProgramExternalConnectivity.
portmap_body() {
    jq -nc --arg n "$1" --arg e "$2" --argjson pm "$3" \
        '{NetworkID: $n, EndpointID: $e,
          Options: {"com.docker.network.endpoint.exposedports": [],
                    "com.docker.network.portmap": $pm}}'
}


# nat_netns_of PID NAME: names the network namespace of process PID (a
# container's) "$SANDBOX_NS-NAME", for "ip netns exec", and prints the
# name.  The sandbox's trap removes the name.
nat_netns_of() {
    local name=$SANDBOX_NS-$2
    ip netns attach "$name" "$1" || fail "cannot name the netns of $1"
    echo "$name" >> "$SANDBOX_DIR/netns"
    echo "$name"
}

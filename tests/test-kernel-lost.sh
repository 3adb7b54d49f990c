#!/bin/bash
# tests/test-kernel-lost.sh: on the kernel datapath only (run in the VM of
# "make check-kernel", tests/vm.mk; skipped elsewhere): ovsnetd says
# loudly when the kernel datapath loses upcalls (netns/dpwatch), which is
# what Open vSwitch 3.1.0 started within 10 s of boot does to every packet
# that misses its flows.
#
# The loss is made deterministic here: ovs-vswitchd is stopped (SIGSTOP),
# so nobody reads the upcall sockets, and a container sends a flood of
# packets to a MAC without a flow; once the sockets are full the kernel
# counts each further miss as lost.

. "$top_srcdir/tests/ovs-sandbox.sh"

[ "$OVSNET_TEST_DATAPATH" = system ] \
    || skip "a test of the kernel datapath (OVSNET_TEST_DATAPATH=system)"
sandbox_start

# The datapath's lost counter, from the kernel (ovs-vswitchd may be
# stopped).
lost() {
    in_ns ovs-dpctl show | sed -n 's/.*lost:\([0-9]*\).*/\1/p'
}
logged() {
    grep -q 'ERR|the kernel datapath ovs-system lost' "$(ovsnetd_file log)"
}

N1=$(gen_id 1)
rpc_ok NetworkDriver.CreateNetwork \
    "$(net_body "$N1" 198.51.100.0/24 198.51.100.1/24)"
check_eq "datapath_type" system \
    "$(db_get Bridge "ovsbr-$(short "$N1")" datapath_type)"
E1=$(gen_id a1)
rpc_ok NetworkDriver.CreateEndpoint "$(ep_body "$N1" "$E1" 198.51.100.2/24)"
MAC1=$(jraw .Interface.MacAddress)
rpc_ok NetworkDriver.Join "$(join_body "$N1" "$E1")"
C1=$(sandbox_netns c1)
MAC=$MAC1 GW=198.51.100.1 \
    link_attach "$(jraw .InterfaceName.SrcName)" "$C1" eth0 198.51.100.2/24
wait_until "$C1 to ping the gateway" in_netns "$C1" ping -c 1 -W 1 198.51.100.1
lost0=$(lost)
check_int_cmp "lost upcalls with ovs-vswitchd running" -ge 0 "$lost0"
logged && fail "ovsnetd reported lost upcalls before any was lost"

log "=== ovs-vswitchd stopped, a flood to a MAC without a flow"
kill -STOP "$(pidfile_pid "$T/ovs-vswitchd.pid")"
in_netns "$C1" ip neigh replace 198.51.100.99 lladdr 02:00:5e:00:00:99 \
    dev eth0 nud permanent
flood() {
    # Large packets: the upcall sockets hold 4 MB each.
    in_netns "$C1" ping -q -f -s 1400 -l 3000 -c 6000 -W 1 198.51.100.99 \
        > /dev/null 2>&1
    echo "lost: $(lost)" >> "$T/lost-counter.log"
    logged
}
wait_until "ovsnetd's error about lost upcalls" flood
log "the datapath's lost counter after each flood:" \
    "$(tr '\n' ' ' < "$T/lost-counter.log")"
log "ovsnetd: $(grep 'the kernel datapath ovs-system lost' "$(ovsnetd_file log)" | head -n 1)"
check_contains "the likely cause, named" "Open vSwitch 3.1.0" \
    "$(grep 'ERR|the kernel datapath' "$(ovsnetd_file log)")"
kill -CONT "$(pidfile_pid "$T/ovs-vswitchd.pid")"
check_int_cmp "the datapath's lost counter" -gt "$lost0" "$(lost)"

ovsnetd_running || fail "ovsnetd died"
log "PASS"

/*
 * The replacements of plugin/driver's collaborators that tests/test-driver.c
 * and tests/fuzz/fuzz-driver.c define (those they share: tests/driver-
 * wraps.c), one for each -Wl,--wrap of DRIVER_WRAPS (tests/unit.mk).
 *
 * Each is declared with the type of the function it replaces, so that a
 * change of a real signature fails to compile until the replacement
 * follows: the linker would not notice.
 */
#ifndef TESTS_DRIVER_WRAPS_H
#define TESTS_DRIVER_WRAPS_H 1

#include "netns/link-sync.h"
#include "netns/link.h"
#include "netns/nat.h"
#include "netns/route.h"
#include "netns/uplink.h"
#include "ovsdb/db.h"
#include "ovsdb/state.h"
#include "plugin/http.h"

__typeof__(http_request_path) __wrap_http_request_path;
__typeof__(http_request_body) __wrap_http_request_body;
__typeof__(http_request_reply) __wrap_http_request_reply;
__typeof__(http_request_reply_error) __wrap_http_request_reply_error;
__typeof__(db_applied_seqno) __wrap_db_applied_seqno;
__typeof__(db_interface_state) __wrap_db_interface_state;
__typeof__(db_interface_mtu_requested) __wrap_db_interface_mtu_requested;
__typeof__(db_bridge_datapath) __wrap_db_bridge_datapath;
__typeof__(db_foreign_port_exists) __wrap_db_foreign_port_exists;
__typeof__(db_default_datapath) __wrap_db_default_datapath;
__typeof__(db_ovn_bridge) __wrap_db_ovn_bridge;
__typeof__(db_is_connected) __wrap_db_is_connected;
__typeof__(db_last_txn) __wrap_db_last_txn;
__typeof__(nat_applied_seqno) __wrap_nat_applied_seqno;
__typeof__(nat_failed_seqno) __wrap_nat_failed_seqno;
__typeof__(state_is_loaded) __wrap_state_is_loaded;
__typeof__(link_get_kind) __wrap_link_get_kind;
__typeof__(link_vxlan_supported) __wrap_link_vxlan_supported;
__typeof__(route_lookup) __wrap_route_lookup;
__typeof__(route_local_addrs) __wrap_route_local_addrs;
__typeof__(linksync_gateway_status) __wrap_linksync_gateway_status;
__typeof__(linksync_link_doomed) __wrap_linksync_link_doomed;
__typeof__(linksync_vxlan_changed) __wrap_linksync_vxlan_changed;
__typeof__(db_find_ports) __wrap_db_find_ports;
__typeof__(db_find_interface) __wrap_db_find_interface;
__typeof__(uplink_probe) __wrap_uplink_probe;

#endif /* tests/driver-wraps.h */

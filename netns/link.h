/*
 * netns/link: the kernel links of ovsnet, over rtnetlink.
 *
 * Every function works in the daemon's own network namespace and talks to
 * the kernel directly (rtnetlink through libopenvswitch's netlink socket
 * helpers, ethtool through SIOCETHTOOL): nothing here forks a tool.
 * Functions return 0 or a positive errno value.
 */
#ifndef NETNS_LINK_H
#define NETNS_LINK_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct addr;
struct eth_addr;
struct svec;

/* Creates a veth pair 'name' <-> 'peer' in one RTM_NEWLINK, both with 'mtu'
 * (0: kernel default) and 'peer' with 'peer_mac' (NULL: kernel's choice), and
 * sets 'alias' (IFLA_IFALIAS, may be NULL) on both ends.  Brings 'name' up.
 * EEXIST if either name is taken. */
int link_veth_create(const char *name, const char *peer, int mtu,
                     const struct eth_addr *peer_mac, const char *alias);

/* Deletes link 'name' (a veth's peer goes with it).  A link that does not
 * exist is success. */
int link_delete(const char *name);

/* Deletes several links at once: 'names' (n of them).  Links that do not
 * exist are skipped.  The kernel waits for an RCU grace period (tens of
 * milliseconds) per deletion request; this makes it one for all of them, by
 * moving them into link group LINK_DOOMED_GROUP and deleting the group. */
#define LINK_DOOMED_GROUP 0x6f76736eu  /* "ovsn" */
int link_delete_many(const char *const *names, size_t n);

/* Returns true if a link called 'name' exists in the daemon's namespace. */
bool link_exists(const char *name);

/* Returns the IFLA_IFALIAS of 'name' in '*alias' (caller frees; NULL if it
 * has none). */
int link_get_alias(const char *name, char **alias);

/* Stores in '*kind' the IFLA_INFO_KIND of link 'name' ("veth", "vxlan",
 * "openvswitch", "tun"...; "" for a device without one, e.g. a physical
 * interface), for the caller to free.  ENODEV if there is no such link. */
int link_get_kind(const char *name, char **kind);

/* Sets the administrative state of 'name' up, and its MTU when 'mtu' > 0. */
int link_set_up(const char *name, int mtu);

/* Makes the addresses of 'name' in 'addrs' present (others are left alone).
 * Adding an address that is there is success.  IPv6 addresses are added
 * without duplicate address detection; if IPv6 is disabled on 'name'
 * (net.ipv6.conf.NAME.disable_ipv6), it is enabled first. */
int link_ensure_addrs(const char *name, const struct addr *addrs,
                      size_t n);

/* Makes link 'name' a network's gateway: the host answers ARP on it only
 * for its own addresses (link_set_arp_strict()), it is up with 'mtu', and
 * it has the 'n' 'addrs' (link_ensure_addrs()).  Returns 0, or a positive
 * errno value (ENODEV if there is no such link) with a message in
 * '*errorp' (for the caller to free) that says which step failed and the
 * kernel's reason. */
int link_configure_gateway(const char *name, int mtu,
                           const struct addr *addrs, size_t n,
                           char **errorp);

/* The directory of the kernel's sysctls that ovsnetd writes:
 * $OVSNET_PROC_SYS if set and not empty, else /proc/sys.  In a managed
 * Docker plugin /proc/sys is read-only (runc's read-only paths): the plugin
 * mounts the host's /proc/sys elsewhere and names it there. */
const char *link_proc_sys(void);

/* Keeps the host's own IP stack off link 'name', which only carries frames
 * for Open vSwitch: sets IFF_NOARP (so that the host does not answer ARP
 * for its addresses through it) and disables IPv6 on it (no link-local
 * address, no neighbour discovery). */
int link_set_stackless(const char *name);

/* Forgets the host's neighbour entry (ARP or ND) for 'addr' on link
 * 'name', if it has one: the address may now belong to another MAC.
 * Returns 0 (also when there was none), ENODEV or another positive
 * errno. */
int link_forget_neighbor(const char *name, const struct addr *addr);

/* Makes the host answer ARP on link 'name' only for addresses of 'name'
 * itself (net.ipv4.conf.NAME.arp_ignore=1). */
int link_set_arp_strict(const char *name);

/* Turns transmit checksum offload of 'name' on or off (which also turns off
 * TSO, which depends on it), as "ethtool -K NAME tx on|off" does. */
int link_set_tx_csum(const char *name, bool on);

/* Reports in '*on' whether TCP segmentation offload is on for 'name'. */
int link_get_tso(const char *name, bool *on);

/* Reports in '*on' whether transmit checksum offload is on for 'name'. */
int link_get_tx_csum(const char *name, bool *on);

/* VXLAN devices.  ovsnet's are unicast only (head-end replication: one
 * all-zeros FDB entry per remote), learn where each MAC is, and use UDP port
 * LINK_VXLAN_PORT. */
#define LINK_VXLAN_PORT 4789

/* Returns true if the kernel can create VXLAN devices.  Finds out once, by
 * creating one called 'probe' (and deleting it again). */
bool link_vxlan_supported(const char *probe);

/* Creates VXLAN device 'name' with VNI 'vni', tunnel source 'local' (a bare
 * IPv4 or IPv6 address; NULL: none, IPv4), 'mtu' (0: the kernel's choice)
 * and 'alias' (may be NULL), learning, and brings it up.  EEXIST if
 * the name is taken, EOPNOTSUPP if the kernel has no VXLAN. */
int link_vxlan_create(const char *name, uint32_t vni, const char *local,
                      int mtu, const char *alias);

/* Reports in '*same' whether link 'name' is a VXLAN device with VNI 'vni',
 * UDP port LINK_VXLAN_PORT and tunnel source 'local' (NULL: do not look;
 * "0.0.0.0" or "::": none).  ENODEV if there is no such link. */
int link_vxlan_check(const char *name, uint32_t vni, const char *local,
                     bool *same);

/* Makes the FDB of VXLAN device 'name' send to 'remotes' (bare IPv4 or IPv6
 * addresses) and nowhere else: exactly one all-zeros entry (broadcast and
 * unknown unicast) per remote, and no entry, learned or not, towards any
 * other address. */
int link_vxlan_set_remotes(const char *name, const struct svec *remotes);

/* Lists the links whose name starts with 'prefix', into a newly allocated
 * array of strings '*names' with '*n' elements (free each and the array). */
int link_list_prefix(const char *prefix, char ***names, size_t *n);

#endif /* netns/link.h */

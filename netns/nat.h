/*
 * netns/nat: ovsnet's netfilter table (nf_tables, through libnftnl and
 * libmnl), and IP forwarding.
 *
 * ovsnet owns one table, "inet ovsnet" (or another name per driver: see
 * nat_set_table()), and never touches another.  Its
 * whole contents are described by a struct nat_ruleset, and nat_apply()
 * replaces them in one netlink transaction (create the table, delete it,
 * create it again with its chains and rules), so a pass that fails changes
 * nothing and one that succeeds leaves exactly what was asked.  An empty
 * rule set removes the table.
 *
 * A monitor socket on NFNLGRP_NFTABLES, read by nat_run(), notices when
 * someone else changes or removes the table (e.g. "nft flush ruleset"), so
 * that the reconcile pass can put it back: nat_take_changed().
 *
 * Meant for the daemon's single thread.  Nothing here blocks: the kernel
 * handles a transaction inside sendmsg(), and its answers are read without
 * waiting.
 */
#ifndef NETNS_NAT_H
#define NETNS_NAT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ovsdb/addr.h"

struct ds;

#define NAT_TABLE "ovsnet"

/* Makes the table 'name' rather than NAT_TABLE (each ovsnetd driver has a
 * table of its own), before nat_init().  nat_table() is the name in use. */
void nat_set_table(const char *name);
const char *nat_table(void);

/* Masquerade what comes from 'pool' and leaves through any interface but
 * 'ifname' (the network's own gateway port); or, if 'hairpin', what comes
 * from 'pool' and, sent to a published port, goes back out through
 * 'ifname' to another container of the network, so that its answer comes
 * back through the host. */
struct nat_masq {
    struct addr pool;
    char ifname[16];
    bool hairpin;
};

/* Connections of 'proto' to port 'dport' of the host (of its address
 * 'daddr', or any of its addresses of 'to''s family if 'daddr.family' is 0)
 * go to 'to':'to_port'. */
struct nat_dnat {
    uint8_t proto;              /* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP. */
    struct addr daddr;          /* 'plen' unused. */
    uint16_t dport;
    struct addr to;             /* 'plen' unused. */
    uint16_t to_port;
};

struct nat_ruleset {
    struct nat_masq *masqs;
    size_t n_masqs, allocated_masqs;
    struct nat_dnat *dnats;
    size_t n_dnats, allocated_dnats;
};

void nat_ruleset_init(struct nat_ruleset *);
void nat_ruleset_destroy(struct nat_ruleset *);
void nat_ruleset_add_masq(struct nat_ruleset *, const struct addr *pool,
                          const char *ifname, bool hairpin);
void nat_ruleset_add_dnat(struct nat_ruleset *, const struct nat_dnat *);
bool nat_ruleset_is_empty(const struct nat_ruleset *);

/* Appends to 's' one line per rule of 'rs', in nft's syntax (for logs,
 * ovs-appctl and comparing two rule sets). */
void nat_ruleset_format(const struct nat_ruleset *, struct ds *s);

/* Replaces the contents of table inet nat_table() by 'rs' (removes the table
 * if 'rs' is empty), in one transaction.  Returns 0 or a positive errno,
 * with a message in '*errorp' that the caller frees.  Removing the table
 * from a kernel without nf_tables succeeds: there is none.
 *
 * 'seqno' names the desired state (state_seqno()) that 'rs' was built from,
 * for nat_applied_seqno() and nat_failed_seqno() to report. */
int nat_apply(const struct nat_ruleset *rs, uint64_t seqno, char **errorp);

/* Records that the table, as the last successful nat_apply() left it, is
 * already what desired state 'seqno' asks for. */
void nat_note_current(uint64_t seqno);

/* Returns the latest desired state whose rules are known to be in the
 * table (0 if none yet). */
uint64_t nat_applied_seqno(void);

/* Returns the desired state of the last rule set the kernel refused, if
 * none was applied since, with the kernel's message in '*error' (valid
 * until the next nat_apply()); else 0. */
uint64_t nat_failed_seqno(const char **error);

/* Starts watching nf_tables events.  Idempotent. */
void nat_init(void);
void nat_run(void);
void nat_wait(void);
void nat_destroy(void);

/* Returns true if the table may have been changed by someone else since the
 * last call (or if that cannot be known), and forgets it. */
bool nat_take_changed(void);

/* Turns on forwarding for 'family' (AF_INET: net.ipv4.ip_forward, AF_INET6:
 * net.ipv6.conf.all.forwarding) in this namespace, through /proc/sys.  Sets
 * '*changed' if it was off.  Returns 0 or a positive errno. */
int nat_enable_forwarding(int family, bool *changed);

#endif /* netns/nat.h */

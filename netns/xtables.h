/*
 * netns/xtables: what iptables' "filter" table holds, read from the kernel
 * without running iptables.
 *
 * iptables has two backends, and a host uses one of them for every
 * program that calls "iptables" (Docker included): "nft" (iptables-nft,
 * Debian's default: the rules live in nf_tables tables "ip filter" and
 * "ip6 filter") and "legacy" (iptables-legacy: the kernel's x_tables,
 * read with getsockopt()).  xtables_find_restore() tells which one the
 * host's iptables-restore uses; xtables_read_forward() reads the FORWARD
 * chain and one user chain from that backend.
 *
 * Reading is all this module does: ovsnet changes iptables only through
 * iptables-restore (netns/fwd).  Nothing here blocks for long: the kernel
 * answers both kinds of request at once.
 */
#ifndef NETNS_XTABLES_H
#define NETNS_XTABLES_H 1

#include <stdbool.h>
#include <stddef.h>

#include "svec.h"

enum xtables_backend {
    XTABLES_NFT,
    XTABLES_LEGACY,
};

const char *xtables_backend_name(enum xtables_backend);

/* In struct xtables_forward's 'jumps': a rule that jumps only when it
 * matches, or goes to a chain ("-g"): not one of the plain jumps that
 * ovsnet's iptables-restore scripts can delete. */
#define XTABLES_JUMP_OTHER "?"

/* What table "filter" of one family holds, as far as ovsnet cares. */
struct xtables_forward {
    bool forward;               /* The table has a FORWARD chain. */
    bool drop;                  /* FORWARD's policy is DROP. */
    struct svec jumps;          /* One entry per rule of FORWARD, in order:
                                 * the user chain a plain "-j CHAIN" jumps
                                 * to, XTABLES_JUMP_OTHER for a jump with
                                 * matches or a goto, "" for any other
                                 * rule. */
    bool chain;                 /* The user chain asked for exists... */
    size_t chain_rules;         /* ...with that many rules. */
};

void xtables_forward_init(struct xtables_forward *);
void xtables_forward_destroy(struct xtables_forward *);

/* Finds the iptables-restore ('family' AF_INET) or ip6tables-restore
 * (AF_INET6) that an administrator's shell would run: in $PATH, then in
 * /usr/sbin and /sbin.  On success stores its path in '*pathp' (the
 * caller frees it) and the backend it uses in '*backend', and returns 0;
 * otherwise returns ENOENT. */
int xtables_find_restore(int family, char **pathp,
                         enum xtables_backend *backend);

/* Reads table "filter" of 'family' (AF_INET or AF_INET6) from 'backend':
 * chain FORWARD, and whether user chain 'chain' exists and how many rules
 * it has, into 'xf' (initialized by the caller; its contents are
 * replaced).  A table or chain that does not exist is not an error: 'xf'
 * says so.  Returns 0, or a positive errno with a message in '*errorp',
 * which the caller frees. */
int xtables_read_forward(enum xtables_backend backend, int family,
                         const char *chain, struct xtables_forward *xf,
                         char **errorp);

#endif /* netns/xtables.h */

/*
 * netns/fwd: ovsnet's chain in iptables' filter table, OVSNET-FORWARD.
 *
 * A Docker host with dockerd's defaults has iptables' FORWARD policy set
 * to DROP, and nothing of Docker's accepts what goes through ovsnet's
 * gateway ports.  As weave, flannel and netavark do, ovsnet then keeps a
 * chain of its own, jumped to from FORWARD right after Docker's
 * DOCKER-USER (the administrator's rules still come first), accepting
 * what each network's gateway port forwards: new connections out, replies
 * and DNAT'd connections in, and for a routed network (ovs.nat=false)
 * every connection in.  Nothing is ever written into Docker's chains, no
 * policy is changed, and the chain is written with iptables-restore, so
 * that it is plain iptables to every other iptables user, whichever
 * backend (nft or legacy) the host's iptables has.
 *
 * Like everything else ovsnet makes, the chain is built from the desired
 * state, never remembered: fwd_set() gives the rules, and fwd_run() looks
 * at what iptables holds (netns/xtables, without running anything) every
 * few seconds and when the rules change, and runs iptables-restore when
 * the two differ: chain missing or flushed, jump missing or above
 * DOCKER-USER, rules out of date, or a chain that should not be there.
 *
 * iptables-restore is the one program ovsnetd runs.  It runs in the
 * background (posix_spawn, no shell), its input and output in memory
 * files; fwd_run() reaps it without waiting and kills it after
 * FWD_TIMEOUT_MSEC.  Its errors are logged and shown by fwd_format().
 */
#ifndef NETNS_FWD_H
#define NETNS_FWD_H 1

#include <stdbool.h>
#include <stddef.h>

struct ds;

#define FWD_CHAIN "OVSNET-FORWARD"

/* Makes the chain 'name' rather than FWD_CHAIN (NULL: FWD_CHAIN again), as
 * each ovsnetd driver has a chain of its own (whose name starts with
 * "OVSNET-": one's jump may sit below another's), before fwd_init().
 * fwd_chain() is the name in use. */
void fwd_set_chain(const char *name);
const char *fwd_chain(void);

/* How long iptables-restore may take, and how often the chain is looked
 * at while it is wanted (ms). */
#define FWD_TIMEOUT_MSEC 10000
#define FWD_CHECK_MSEC 5000

/* --iptables: "auto" keeps the chain only where FORWARD's policy is DROP;
 * "on" wherever a network needs it; "off" never (and removes one left
 * by an earlier run). */
enum fwd_mode {
    FWD_AUTO,
    FWD_ON,
    FWD_OFF,
};

/* Parses "auto", "on"/"true", "off"/"false".  Returns true on success. */
bool fwd_mode_parse(const char *, enum fwd_mode *);
const char *fwd_mode_name(enum fwd_mode);

/* What the chain accepts for one network: whatever enters through its
 * gateway port 'ifname', and what leaves through it if it belongs to a
 * connection from inside or to a published port, or, if 'routed', any
 * connection. */
struct fwd_network {
    const char *id;             /* NetworkID, for the rules' comment. */
    const char *ifname;
    bool routed;
};

void fwd_init(enum fwd_mode);
void fwd_destroy(void);

/* The networks whose traffic the chain of 'family' (AF_INET or AF_INET6)
 * accepts; none removes the chain. */
void fwd_set(int family, const struct fwd_network *, size_t n);

void fwd_run(void);
void fwd_wait(void);

/* Appends what ovsnet keeps in iptables, as seen at the last look, for
 * "ovs-appctl iptables/show". */
void fwd_format(struct ds *);

#endif /* netns/fwd.h */

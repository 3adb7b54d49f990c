/*
 * netns/nat: ovsnet's netfilter table.
 *
 * The table, in nft's syntax (what "nft list table inet ovsnet" shows):
 *
 *     table inet ovsnet {
 *         chain prerouting {      # published ports, from outside
 *             type nat hook prerouting priority dstnat;
 *             fib daddr type local jump ports
 *         }
 *         chain output {          # published ports, from the host itself
 *             type nat hook output priority dstnat;
 *             ip daddr != 127.0.0.0/8 fib daddr type local jump ports
 *             ip6 daddr != ::1 fib daddr type local jump ports
 *         }
 *         chain ports {
 *             [ip daddr HOSTIP] tcp dport 8080 dnat ip to 192.0.2.2:80
 *             ...
 *         }
 *         chain postrouting {     # outbound NAT, hairpin
 *             type nat hook postrouting priority srcnat;
 *             ip saddr 192.0.2.0/24 oifname != "ovsgw-..." masquerade
 *             ip saddr 192.0.2.0/24 oifname "ovsgw-..." ct status dnat
 *                 masquerade
 *             ...
 *         }
 *     }
 *
 * Only new connections go through nat chains: replies and the rest of a
 * connection follow conntrack, so the rules never see them.
 */
#include <config.h>

#include "netns/nat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include "netns/link.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(nat);

/* Room for one message of the transaction: a rule is a few hundred bytes. */
#define NAT_MSG_ROOM 4096

/* Socket buffers big enough for a transaction of many thousand rules and
 * its answers. */
#define NAT_SOCKBUF (4 * 1024 * 1024)

/* Chain priorities, as nft names them: "dstnat" and "srcnat" (the values
 * of NAT_PRIO_DSTNAT and NAT_PRIO_SRCNAT). */
#define NAT_PRIO_DSTNAT (-100)
#define NAT_PRIO_SRCNAT 100

/* While the monitor cannot be had, report "changed" this often (ms). */
#define NAT_FALLBACK_MSEC 5000

static struct mnl_socket *nat_monitor;
static bool nat_initialized;
static char *nat_table_name;        /* NULL: NAT_TABLE. */
static bool nat_changed = true;     /* Unknown at start. */
static bool nat_touched;            /* Events of the transaction being read
                                     * concern our table. */
static long long int nat_next_fallback;

/* What nat_apply() achieved, in terms of the desired state. */
static uint64_t nat_applied;        /* Latest state in the table. */
static uint64_t nat_failed;         /* Latest refused, if after that. */
static char *nat_failed_error;      /* Why. */

/* Rule sets. */

void
nat_ruleset_init(struct nat_ruleset *rs)
{
    memset(rs, 0, sizeof *rs);
}

void
nat_ruleset_destroy(struct nat_ruleset *rs)
{
    if (rs) {
        free(rs->masqs);
        free(rs->dnats);
    }
}

void
nat_ruleset_add_masq(struct nat_ruleset *rs, const struct addr *pool,
                     const char *ifname, bool hairpin)
{
    if (rs->n_masqs >= rs->allocated_masqs) {
        rs->masqs = x2nrealloc(rs->masqs, &rs->allocated_masqs,
                               sizeof *rs->masqs);
    }
    struct nat_masq *m = &rs->masqs[rs->n_masqs++];
    memset(m, 0, sizeof *m);
    m->pool = *pool;
    ovs_strlcpy(m->ifname, ifname, sizeof m->ifname);
    m->hairpin = hairpin;
}

void
nat_ruleset_add_dnat(struct nat_ruleset *rs, const struct nat_dnat *d)
{
    if (rs->n_dnats >= rs->allocated_dnats) {
        rs->dnats = x2nrealloc(rs->dnats, &rs->allocated_dnats,
                               sizeof *rs->dnats);
    }
    rs->dnats[rs->n_dnats++] = *d;
}

bool
nat_ruleset_is_empty(const struct nat_ruleset *rs)
{
    return !rs->n_masqs && !rs->n_dnats;
}

static void
put_addr(struct ds *s, const struct addr *a)
{
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(a->family, &a->in6, buf, sizeof buf);
    ds_put_cstr(s, buf);
}

void
nat_ruleset_format(const struct nat_ruleset *rs, struct ds *s)
{
    for (size_t i = 0; i < rs->n_dnats; i++) {
        const struct nat_dnat *d = &rs->dnats[i];
        const char *ip = d->to.family == AF_INET ? "ip" : "ip6";

        if (d->daddr.family) {
            ds_put_format(s, "%s daddr ", ip);
            put_addr(s, &d->daddr);
            ds_put_char(s, ' ');
        } else {
            ds_put_format(s, "meta nfproto ipv%d ",
                          d->to.family == AF_INET ? 4 : 6);
        }
        ds_put_format(s, "%s dport %"PRIu16" dnat %s to %s",
                      addr_proto_name(d->proto), d->dport, ip,
                      d->to.family == AF_INET ? "" : "[");
        put_addr(s, &d->to);
        ds_put_format(s, "%s:%"PRIu16"\n", d->to.family == AF_INET ? "" : "]",
                      d->to_port);
    }
    for (size_t i = 0; i < rs->n_masqs; i++) {
        const struct nat_masq *m = &rs->masqs[i];
        ds_put_format(s, "%s saddr ",
                      m->pool.family == AF_INET ? "ip" : "ip6");
        put_addr(s, &m->pool);
        ds_put_format(s, "/%u oifname %s\"%s\" %smasquerade\n",
                      m->pool.plen, m->hairpin ? "" : "!= ", m->ifname,
                      m->hairpin ? "ct status dnat " : "");
    }
}

/* Building the transaction. */

/* A transaction being built: netlink messages one after the other. */
struct nat_txn {
    struct ofpbuf buf;
    uint32_t seq;               /* Of the next message. */
    uint32_t first_seq;         /* Of the first message that wants an ack. */
    size_t n_acks;              /* Messages that want an ack. */
};

/* Returns room for the next message of 'txn', zeroed: libmnl aligns
 * attributes without writing their padding, which the kernel is sent
 * too. */
static char *
txn_room(struct nat_txn *txn)
{
    ofpbuf_prealloc_tailroom(&txn->buf, NAT_MSG_ROOM);
    memset(ofpbuf_tail(&txn->buf), 0, NAT_MSG_ROOM);
    return ofpbuf_tail(&txn->buf);
}

/* Adds the message that txn_room() gave room for and that 'nlh' now
 * heads. */
static void
txn_commit_msg(struct nat_txn *txn, struct nlmsghdr *nlh, bool ack)
{
    ovs_assert(nlh->nlmsg_len <= NAT_MSG_ROOM);
    ofpbuf_put_uninit(&txn->buf, NLMSG_ALIGN(nlh->nlmsg_len));
    if (ack) {
        txn->n_acks++;
    }
    txn->seq++;
}

static void
txn_table(struct nat_txn *txn, uint16_t type, uint16_t flags)
{
    struct nftnl_table *t = nftnl_table_alloc();
    nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
    nftnl_table_set_str(t, NFTNL_TABLE_NAME, nat_table());

    struct nlmsghdr *nlh = nftnl_table_nlmsg_build_hdr(
        txn_room(txn), type, NFPROTO_INET, flags | NLM_F_ACK, txn->seq);
    nftnl_table_nlmsg_build_payload(nlh, t);
    nftnl_table_free(t);
    txn_commit_msg(txn, nlh, true);
}

/* Adds chain 'name', a base chain of 'type' on 'hook' with 'prio' if 'type'
 * is nonnull. */
static void
txn_chain(struct nat_txn *txn, const char *name, const char *type,
          uint32_t hook, int32_t prio)
{
    struct nftnl_chain *c = nftnl_chain_alloc();
    nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
    nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, nat_table());
    nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
    if (type) {
        nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
        nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
        nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
        nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
    }

    struct nlmsghdr *nlh = nftnl_chain_nlmsg_build_hdr(
        txn_room(txn), NFT_MSG_NEWCHAIN, NFPROTO_INET,
        NLM_F_CREATE | NLM_F_ACK, txn->seq);
    nftnl_chain_nlmsg_build_payload(nlh, c);
    nftnl_chain_free(c);
    txn_commit_msg(txn, nlh, true);
}

static struct nftnl_rule *
rule_new(const char *chain)
{
    struct nftnl_rule *r = nftnl_rule_alloc();
    nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
    nftnl_rule_set_str(r, NFTNL_RULE_TABLE, nat_table());
    nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
    return r;
}

static void
txn_rule(struct nat_txn *txn, struct nftnl_rule *r)
{
    struct nlmsghdr *nlh = nftnl_rule_nlmsg_build_hdr(
        txn_room(txn), NFT_MSG_NEWRULE, NFPROTO_INET,
        NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, txn->seq);
    nftnl_rule_nlmsg_build_payload(nlh, r);
    nftnl_rule_free(r);
    txn_commit_msg(txn, nlh, true);
}

/* Expressions.  Every match loads into register 1 and compares it. */

static void
expr_meta(struct nftnl_rule *r, uint32_t key)
{
    struct nftnl_expr *e = nftnl_expr_alloc("meta");
    nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
    nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
    nftnl_rule_add_expr(r, e);
}

static void
expr_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
    struct nftnl_expr *e = nftnl_expr_alloc("cmp");
    nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
    nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
    nftnl_rule_add_expr(r, e);
}

static void
expr_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset,
             uint32_t len)
{
    struct nftnl_expr *e = nftnl_expr_alloc("payload");
    nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
    nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
    nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
    nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
    nftnl_rule_add_expr(r, e);
}

/* "meta nfproto ipv4" or "ipv6". */
static void
match_family(struct nftnl_rule *r, int family)
{
    uint8_t nfproto = family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;
    expr_meta(r, NFT_META_NFPROTO);
    expr_cmp(r, NFT_CMP_EQ, &nfproto, sizeof nfproto);
}

/* "ip[6] saddr|daddr [!=] a/plen" (after match_family()). */
static void
match_addr(struct nftnl_rule *r, const struct addr *a, bool source,
           unsigned int plen, uint32_t op)
{
    bool v4 = a->family == AF_INET;
    uint32_t len = v4 ? 4 : 16;
    uint32_t offset = (v4 ? (source ? 12 : 16) : (source ? 8 : 24));
    uint8_t mask[16], net[16], zero[16];
    const uint8_t *bytes = (const uint8_t *) &a->in6;

    memset(zero, 0, sizeof zero);
    for (size_t i = 0; i < len; i++) {
        unsigned int bits = plen > i * 8 ? MIN(plen - i * 8, 8) : 0;
        mask[i] = bits ? 0xff << (8 - bits) : 0;
        net[i] = bytes[i] & mask[i];
    }
    expr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, offset, len);
    if (plen < len * 8) {
        struct nftnl_expr *e = nftnl_expr_alloc("bitwise");
        nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
        nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
        nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
        nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
        nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
        nftnl_rule_add_expr(r, e);
    }
    expr_cmp(r, op, net, len);
}

/* "fib daddr type local". */
static void
match_local(struct nftnl_rule *r)
{
    uint32_t local = RTN_LOCAL;
    struct nftnl_expr *e = nftnl_expr_alloc("fib");
    nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
    nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
    nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
    nftnl_rule_add_expr(r, e);
    expr_cmp(r, NFT_CMP_EQ, &local, sizeof local);
}

static void
verdict_jump(struct nftnl_rule *r, const char *chain)
{
    struct nftnl_expr *e = nftnl_expr_alloc("immediate");
    nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
    nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NFT_JUMP);
    nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
    nftnl_rule_add_expr(r, e);
}

static void
expr_immediate(struct nftnl_rule *r, uint32_t reg, const void *data,
               uint32_t len)
{
    struct nftnl_expr *e = nftnl_expr_alloc("immediate");
    nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, reg);
    nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data, len);
    nftnl_rule_add_expr(r, e);
}

static void
txn_dnat(struct nat_txn *txn, const struct nat_dnat *d)
{
    struct nftnl_rule *r = rule_new("ports");
    int family = d->to.family;
    uint32_t alen = family == AF_INET ? 4 : 16;
    uint16_t dport = htons(d->dport), to_port = htons(d->to_port);

    match_family(r, family);
    if (d->daddr.family) {
        match_addr(r, &d->daddr, false, alen * 8, NFT_CMP_EQ);
    }
    expr_meta(r, NFT_META_L4PROTO);
    expr_cmp(r, NFT_CMP_EQ, &d->proto, sizeof d->proto);
    expr_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
    expr_cmp(r, NFT_CMP_EQ, &dport, sizeof dport);

    expr_immediate(r, NFT_REG_1, &d->to.in6, alen);
    expr_immediate(r, NFT_REG_2, &to_port, sizeof to_port);
    struct nftnl_expr *e = nftnl_expr_alloc("nat");
    nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
    nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY,
                       family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6);
    nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
    nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2);
    nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FLAGS,
                       NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED);
    nftnl_rule_add_expr(r, e);
    txn_rule(txn, r);
}

static void
txn_masq(struct nat_txn *txn, const struct nat_masq *m)
{
    struct nftnl_rule *r = rule_new("postrouting");
    char ifname[16];

    match_family(r, m->pool.family);
    match_addr(r, &m->pool, true, m->pool.plen, NFT_CMP_EQ);
    memset(ifname, 0, sizeof ifname);
    ovs_strlcpy(ifname, m->ifname, sizeof ifname);
    expr_meta(r, NFT_META_OIFNAME);
    expr_cmp(r, m->hairpin ? NFT_CMP_EQ : NFT_CMP_NEQ, ifname,
             sizeof ifname);
    if (m->hairpin) {
        /* "ct status dnat": the connection went to a published port. */
        uint32_t mask = IPS_DST_NAT, zero = 0;
        struct nftnl_expr *e = nftnl_expr_alloc("ct");
        nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATUS);
        nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
        nftnl_rule_add_expr(r, e);
        e = nftnl_expr_alloc("bitwise");
        nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
        nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
        nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, sizeof mask);
        nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &mask, sizeof mask);
        nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, sizeof zero);
        nftnl_rule_add_expr(r, e);
        expr_cmp(r, NFT_CMP_NEQ, &zero, sizeof zero);
    }
    nftnl_rule_add_expr(r, nftnl_expr_alloc("masq"));
    txn_rule(txn, r);
}

/* "ip daddr != 127.0.0.0/8 fib daddr type local jump ports" and the same
 * for IPv6 (::1): DNAT to a container of a connection to the loopback
 * address would need route_localnet, which ovsnet does not turn on. */
static void
txn_output_jump(struct nat_txn *txn, int family)
{
    struct nftnl_rule *r = rule_new("output");
    struct addr lo;

    memset(&lo, 0, sizeof lo);
    lo.family = family;
    if (family == AF_INET) {
        lo.in4.s_addr = htonl(INADDR_LOOPBACK);
        lo.plen = 8;
    } else {
        lo.in6 = in6addr_loopback;
        lo.plen = 128;
    }
    match_family(r, family);
    match_addr(r, &lo, false, lo.plen, NFT_CMP_NEQ);
    match_local(r);
    verdict_jump(r, "ports");
    txn_rule(txn, r);
}

/* Sending it. */

/* Reads the kernel's answers to 'txn' (already queued: the kernel handles
 * a transaction inside sendmsg()).  Returns 0 or the first error. */
static int
txn_read_answers(struct mnl_socket *sock, const struct nat_txn *txn,
                 uint32_t portid, uint32_t *bad_seq)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    size_t n = 0;
    int error = 0;

    while (n < txn->n_acks) {
        ssize_t len = recv(mnl_socket_get_fd(sock), buf, sizeof buf,
                           MSG_DONTWAIT);
        if (len < 0) {
            if (errno == EINTR) {
                continue;
            }
            /* EAGAIN: no more answers (a failed transaction may answer
             * fewer messages than asked). */
            return error ? error : errno == EAGAIN ? 0 : errno;
        }
        const struct nlmsghdr *nlh = (const struct nlmsghdr *) buf;
        int left = len;
        for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
            if (nlh->nlmsg_pid != portid
                || nlh->nlmsg_seq < txn->first_seq
                || nlh->nlmsg_seq >= txn->seq) {
                continue;
            }
            if (nlh->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
                n++;
                if (err->error && !error) {
                    /* The kernel's negative errno, made positive here. */
                    error = -err->error;
                    *bad_seq = nlh->nlmsg_seq;
                }
            }
        }
    }
    return error;
}

/* Records the outcome of nat_apply() for desired state 'seqno'. */
static void
nat_note_result(uint64_t seqno, int error, const char *message)
{
    if (error) {
        nat_failed = seqno;
        free(nat_failed_error);
        nat_failed_error = xstrdup(message ? message : ovs_strerror(error));
    } else {
        nat_note_current(seqno);
    }
}

void
nat_note_current(uint64_t seqno)
{
    nat_applied = MAX(nat_applied, seqno);
    if (nat_failed <= nat_applied) {
        nat_failed = 0;
        free(nat_failed_error);
        nat_failed_error = NULL;
    }
}

uint64_t
nat_applied_seqno(void)
{
    return nat_applied;
}

uint64_t
nat_failed_seqno(const char **error)
{
    *error = nat_failed_error;
    return nat_failed;
}

int
nat_apply(const struct nat_ruleset *rs, uint64_t seqno, char **errorp)
{
    struct mnl_socket *sock = NULL;
    struct nat_txn txn;
    int error = 0;

    *errorp = NULL;
    ofpbuf_init(&txn.buf, 16384);
    txn.seq = time(NULL);
    txn.n_acks = 0;

    nftnl_batch_begin(txn_room(&txn), txn.seq);
    txn_commit_msg(&txn, (struct nlmsghdr *) ofpbuf_tail(&txn.buf), false);
    txn.first_seq = txn.seq;

    /* Create, so that deleting cannot fail; delete, which takes everything
     * in it; create again, with what 'rs' says. */
    txn_table(&txn, NFT_MSG_NEWTABLE, NLM_F_CREATE);
    txn_table(&txn, NFT_MSG_DELTABLE, 0);
    if (!nat_ruleset_is_empty(rs)) {
        txn_table(&txn, NFT_MSG_NEWTABLE, NLM_F_CREATE);
        txn_chain(&txn, "ports", NULL, 0, 0);
        txn_chain(&txn, "prerouting", "nat", NF_INET_PRE_ROUTING,
                  NAT_PRIO_DSTNAT);
        txn_chain(&txn, "output", "nat", NF_INET_LOCAL_OUT,
                  NAT_PRIO_DSTNAT);
        txn_chain(&txn, "postrouting", "nat", NF_INET_POST_ROUTING,
                  NAT_PRIO_SRCNAT);

        struct nftnl_rule *r = rule_new("prerouting");
        match_local(r);
        verdict_jump(r, "ports");
        txn_rule(&txn, r);
        txn_output_jump(&txn, AF_INET);
        txn_output_jump(&txn, AF_INET6);
        for (size_t i = 0; i < rs->n_dnats; i++) {
            txn_dnat(&txn, &rs->dnats[i]);
        }
        for (size_t i = 0; i < rs->n_masqs; i++) {
            txn_masq(&txn, &rs->masqs[i]);
        }
    }
    nftnl_batch_end(txn_room(&txn), txn.seq);
    txn_commit_msg(&txn, (struct nlmsghdr *) ofpbuf_tail(&txn.buf), false);

    sock = mnl_socket_open(NETLINK_NETFILTER);
    if (!sock) {
        error = errno;
        *errorp = xasprintf("cannot open a netfilter socket (%s)",
                            ovs_strerror(error));
        goto out;
    }
    if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0) {
        error = errno;
        *errorp = xasprintf("cannot bind a netfilter socket (%s)",
                            ovs_strerror(error));
        goto out;
    }
    int size = MAX(NAT_SOCKBUF, txn.buf.size * 2);
    int fd = mnl_socket_get_fd(sock);
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size)) {
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    }
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size)) {
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    }

    if (mnl_socket_sendto(sock, txn.buf.data, txn.buf.size) < 0) {
        error = errno;
        *errorp = xasprintf("cannot send the transaction for table inet "
                            "%s (%s)", nat_table(), ovs_strerror(error));
        goto out;
    }
    uint32_t bad_seq = 0;
    error = txn_read_answers(sock, &txn, mnl_socket_get_portid(sock),
                             &bad_seq);
    if (error) {
        *errorp = xasprintf("the kernel refused message %"PRIu32" of %"
                            PRIuSIZE" of the transaction for table inet "
                            "%s (%s)", bad_seq - txn.first_seq + 1,
                            txn.n_acks, nat_table(), ovs_strerror(error));
    }

out:
    if (error && nat_ruleset_is_empty(rs)
        && (error == EPROTONOSUPPORT || error == EOPNOTSUPP
            || error == EAFNOSUPPORT)) {
        /* A kernel without nf_tables (or its inet family) has no table to
         * remove either: done. */
        VLOG_DBG("no table inet %s to remove (%s)", nat_table(), *errorp);
        free(*errorp);
        *errorp = NULL;
        error = 0;
    }
    if (sock) {
        mnl_socket_close(sock);
    }
    ofpbuf_uninit(&txn.buf);
    nat_note_result(seqno, error, *errorp);
    return error;
}

/* The monitor. */

static void
nat_open_monitor(void)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
    unsigned int group = NFNLGRP_NFTABLES;
    struct mnl_socket *sock = mnl_socket_open(NETLINK_NETFILTER);
    int error = 0;

    if (!sock) {
        error = errno;
    } else if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0
               || mnl_socket_setsockopt(sock, NETLINK_ADD_MEMBERSHIP, &group,
                                        sizeof group) < 0
               || fcntl(mnl_socket_get_fd(sock), F_SETFL, O_NONBLOCK) < 0) {
        error = errno;
        mnl_socket_close(sock);
    }
    if (error) {
        VLOG_WARN_RL(&rl, "cannot watch nf_tables events (%s): will check "
                     "table inet %s every %d s", ovs_strerror(error),
                     nat_table(), NAT_FALLBACK_MSEC / 1000);
        nat_monitor = NULL;
        return;
    }
    int size = NAT_SOCKBUF;
    int fd = mnl_socket_get_fd(sock);
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size)) {
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    }
    nat_monitor = sock;
}

void
nat_set_table(const char *name)
{
    free(nat_table_name);
    nat_table_name = xstrdup(name);
}

const char *
nat_table(void)
{
    return nat_table_name ? nat_table_name : NAT_TABLE;
}

void
nat_init(void)
{
    if (!nat_initialized) {
        nat_initialized = true;
        nat_open_monitor();
        nat_changed = true;
    }
}

/* Notes whether event 'nlh' concerns our table; at the end of a
 * transaction (NFT_MSG_NEWGEN, which names the process that made it),
 * records a change if it did and was not ours. */
static void
nat_parse_event(const struct nlmsghdr *nlh)
{
    if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES
        || nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(struct nfgenmsg)) {
        return;
    }
    const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
    struct nlattr *a;
    uint16_t type = NFNL_MSG_TYPE(nlh->nlmsg_type);

    if (type == NFT_MSG_NEWGEN) {
        uint32_t pid = 0;
        mnl_attr_for_each (a, nlh, sizeof *nfg) {
            if (mnl_attr_get_type(a) == NFTA_GEN_PROC_PID
                && mnl_attr_get_payload_len(a) == sizeof pid) {
                pid = ntohl(mnl_attr_get_u32(a));
            }
        }
        if (nat_touched && pid != (uint32_t) getpid()) {
            VLOG_INFO("table inet %s was changed by another process "
                      "(pid %"PRIu32"): restoring it", nat_table(), pid);
            nat_changed = true;
        }
        nat_touched = false;
        return;
    }
    if (nfg->nfgen_family != NFPROTO_INET
        && nfg->nfgen_family != NFPROTO_UNSPEC) {
        return;
    }
    /* Attribute 1 of tables, chains, rules, sets, set elements, objects
     * and flowtables is the name of the table. */
    mnl_attr_for_each (a, nlh, sizeof *nfg) {
        if (mnl_attr_get_type(a) == NFTA_TABLE_NAME) {
            const char *name = mnl_attr_get_payload(a);
            size_t len = mnl_attr_get_payload_len(a);
            size_t ours = strlen(nat_table());
            if (len >= ours && !strncmp(name, nat_table(), ours)
                && (len == ours || !name[ours])) {
                nat_touched = true;
            }
            break;
        }
    }
}

void
nat_run(void)
{
    if (!nat_initialized) {
        return;
    }
    if (!nat_monitor) {
        if (time_msec() >= nat_next_fallback) {
            nat_next_fallback = time_msec() + NAT_FALLBACK_MSEC;
            nat_changed = true;
            nat_open_monitor();
        }
        return;
    }

    char buf[MNL_SOCKET_BUFFER_SIZE];
    for (int i = 0; i < 50; i++) {
        ssize_t len = recv(mnl_socket_get_fd(nat_monitor), buf, sizeof buf,
                           MSG_DONTWAIT);
        if (len < 0) {
            if (errno == ENOBUFS) {
                /* Events were lost: anything may have happened. */
                nat_changed = true;
                nat_touched = false;
                continue;
            }
            if (errno != EAGAIN && errno != EINTR) {
                VLOG_WARN("reading nf_tables events: %s",
                          ovs_strerror(errno));
                mnl_socket_close(nat_monitor);
                nat_monitor = NULL;
                nat_changed = true;
            }
            return;
        }
        const struct nlmsghdr *nlh = (const struct nlmsghdr *) buf;
        int left = len;
        for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
            nat_parse_event(nlh);
        }
    }
    /* More to read: the next iteration will. */
    poll_immediate_wake();
}

void
nat_wait(void)
{
    if (!nat_initialized) {
        return;
    }
    if (nat_monitor) {
        poll_fd_wait(mnl_socket_get_fd(nat_monitor), POLLIN);
    } else {
        poll_timer_wait_until(nat_next_fallback);
    }
}

void
nat_destroy(void)
{
    if (nat_monitor) {
        mnl_socket_close(nat_monitor);
        nat_monitor = NULL;
    }
    free(nat_failed_error);
    nat_failed_error = NULL;
    nat_failed = nat_applied = 0;
    nat_initialized = false;
}

bool
nat_take_changed(void)
{
    bool changed = nat_changed;
    nat_changed = false;
    return changed;
}

/* Forwarding. */

int
nat_enable_forwarding(int family, bool *changed)
{
    char *path = xasprintf("%s/net/%s", link_proc_sys(),
                           (family == AF_INET ? "ipv4/ip_forward"
                            : "ipv6/conf/all/forwarding"));
    char value[8] = "";

    *changed = false;
    int fd = open(path, O_RDWR | O_CLOEXEC);
    int error = fd < 0 ? errno : 0;
    free(path);
    if (fd < 0) {
        return error;
    }
    ssize_t n = read(fd, value, sizeof value - 1);
    if (n < 0) {
        error = errno;
    } else if (value[0] != '1') {
        if (lseek(fd, 0, SEEK_SET) < 0 || write(fd, "1\n", 2) != 2) {
            error = errno ? errno : EIO;
        } else {
            *changed = true;
        }
    }
    close(fd);
    return error;
}

/*
 * netns/xtables: reading iptables' filter table, for either backend.
 *
 * nft backend: iptables-nft keeps table "filter" as an nf_tables table of
 * family ip or ip6; a jump to a user chain is an "immediate" expression
 * with verdict jump (or goto) and the chain's name.  Read with a
 * GETCHAIN request (FORWARD's policy, whether the user chain exists) and
 * GETRULE dumps of both chains.
 *
 * legacy backend: IPT_SO_GET_INFO and IPT_SO_GET_ENTRIES (IP6T_ for IPv6)
 * hand over the whole table as one blob of entries, as iptables-legacy-save
 * reads it.  A built-in chain runs from its hook entry to its underflow
 * (the policy entry); a user chain starts after an ERROR entry carrying
 * its name and ends with an unconditional RETURN; a jump is a standard
 * target whose verdict is the offset of the first entry of the chain.
 */
#include <config.h>

#include "netns/xtables.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

#include "openvswitch/vlog.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(xtables);

#define XT_FILTER "filter"

const char *
xtables_backend_name(enum xtables_backend backend)
{
    return backend == XTABLES_LEGACY ? "legacy" : "nft";
}

void
xtables_forward_init(struct xtables_forward *xf)
{
    memset(xf, 0, sizeof *xf);
    svec_init(&xf->jumps);
}

void
xtables_forward_destroy(struct xtables_forward *xf)
{
    if (xf) {
        svec_destroy(&xf->jumps);
    }
}

static void
xtables_forward_clear(struct xtables_forward *xf)
{
    svec_clear(&xf->jumps);
    xf->forward = xf->drop = xf->chain = false;
    xf->chain_rules = 0;
}

/* Finding iptables-restore. */

int
xtables_find_restore(int family, char **pathp, enum xtables_backend *backend)
{
    const char *name = family == AF_INET6 ? "ip6tables-restore"
                                          : "iptables-restore";
    const char *path_env = getenv("PATH");
    char *dirs = xasprintf("%s:/usr/sbin:/sbin", path_env ? path_env : "");
    char *save_ptr = NULL;
    int error = ENOENT;

    *pathp = NULL;
    for (char *dir = strtok_r(dirs, ":", &save_ptr); dir;
         dir = strtok_r(NULL, ":", &save_ptr)) {
        char *path = xasprintf("%s/%s", dir, name);
        if (dir[0] == '/' && !access(path, X_OK)) {
            /* Debian's alternatives: iptables-restore ->
             * /etc/alternatives/iptables-restore -> iptables-nft-restore
             * or iptables-legacy-restore -> xtables-nft-multi or
             * xtables-legacy-multi.  Anything else (older iptables had
             * "xtables-multi") is legacy. */
            char *real = realpath(path, NULL);
            const char *base = real ? strrchr(real, '/') : NULL;
            base = base ? base + 1 : path;
            *backend = strstr(base, "nft") ? XTABLES_NFT : XTABLES_LEGACY;
            free(real);
            *pathp = path;
            error = 0;
            break;
        }
        free(path);
    }
    free(dirs);
    return error;
}

/* The nft backend. */

struct nft_read {
    struct mnl_socket *sock;
    uint32_t portid;
    uint32_t seq;
};

/* Sends 'nlh' and runs 'cb' over every answer until the kernel's last one.
 * Returns 0 or a positive errno (ENOENT: no such table or chain). */
static int
nft_request(struct nft_read *nr, struct nlmsghdr *nlh, mnl_cb_t cb,
            void *aux)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    int ret;

    if (mnl_socket_sendto(nr->sock, nlh, nlh->nlmsg_len) < 0) {
        return errno;
    }
    for (;;) {
        ssize_t len = mnl_socket_recvfrom(nr->sock, buf, sizeof buf);
        if (len < 0) {
            return errno;
        }
        ret = mnl_cb_run(buf, len, nlh->nlmsg_seq, nr->portid, cb, aux);
        if (ret <= MNL_CB_STOP) {
            return ret < 0 ? errno : 0;
        }
    }
}

struct chain_answer {
    bool found;
    bool drop;
};

static int
chain_cb(const struct nlmsghdr *nlh, void *aux)
{
    struct chain_answer *ca = aux;
    struct nftnl_chain *c = nftnl_chain_alloc();

    if (!c) {
        out_of_memory();
    }
    if (!nftnl_chain_nlmsg_parse(nlh, c)) {
        ca->found = true;
        ca->drop = (nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY)
                    && nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) == NF_DROP);
    }
    nftnl_chain_free(c);
    return MNL_CB_OK;
}

/* Looks chain 'name' of table filter up.  Returns 0 (whether it exists or
 * not: see '*ca') or a positive errno. */
static int
nft_get_chain(struct nft_read *nr, int family, const char *name,
              struct chain_answer *ca)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nftnl_chain *c = nftnl_chain_alloc();
    struct nlmsghdr *nlh;
    int error;

    if (!c) {
        out_of_memory();
    }
    /* libnftnl leaves bytes of the request unwritten (valgrind sees them
     * go to the kernel): send zeros there. */
    memset(buf, 0, sizeof buf);
    memset(ca, 0, sizeof *ca);
    nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, XT_FILTER);
    nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
    nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, family, NLM_F_ACK,
                                ++nr->seq);
    nftnl_chain_nlmsg_build_payload(nlh, c);
    nftnl_chain_free(c);

    error = nft_request(nr, nlh, chain_cb, ca);
    return error == ENOENT ? 0 : error;
}

struct rules_answer {
    struct svec *jumps;         /* Or NULL: count only. */
    size_t n;
};

/* What one rule of FORWARD is, as far as jumps go. */
struct rule_target {
    const char *chain;          /* The chain it jumps to, or NULL. */
    bool plain;                 /* Nothing but a counter and the jump. */
};

static int
rule_expr_cb(struct nftnl_expr *e, void *rt_)
{
    struct rule_target *rt = rt_;
    const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

    if (name && !strcmp(name, "immediate")
        && nftnl_expr_is_set(e, NFTNL_EXPR_IMM_CHAIN)) {
        int32_t verdict = nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT);
        if (verdict == NFT_JUMP || verdict == NFT_GOTO) {
            rt->chain = nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN);
            rt->plain &= verdict == NFT_JUMP;
        }
    } else if (!name || strcmp(name, "counter")) {
        rt->plain = false;      /* A match: "-i eth0", "-m ...". */
    }
    return MNL_CB_OK;
}

static int
rule_cb(const struct nlmsghdr *nlh, void *aux)
{
    struct rules_answer *ra = aux;
    struct nftnl_rule *r = nftnl_rule_alloc();

    if (!r) {
        out_of_memory();
    }
    if (!nftnl_rule_nlmsg_parse(nlh, r)) {
        ra->n++;
        if (ra->jumps) {
            struct rule_target rt = { .chain = NULL, .plain = true };
            nftnl_expr_foreach(r, rule_expr_cb, &rt);
            svec_add(ra->jumps, rt.chain ? (rt.plain ? rt.chain
                                            : XTABLES_JUMP_OTHER) : "");
        }
    }
    nftnl_rule_free(r);
    return MNL_CB_OK;
}

/* Dumps the rules of chain 'name' of table filter into 'ra'. */
static int
nft_dump_rules(struct nft_read *nr, int family, const char *name,
               struct rules_answer *ra)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nftnl_rule *r = nftnl_rule_alloc();
    struct nlmsghdr *nlh;
    int error;

    if (!r) {
        out_of_memory();
    }
    memset(buf, 0, sizeof buf);     /* As in nft_get_chain(). */
    nftnl_rule_set_str(r, NFTNL_RULE_TABLE, XT_FILTER);
    nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, name);
    nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, family,
                                NLM_F_DUMP, ++nr->seq);
    nftnl_rule_nlmsg_build_payload(nlh, r);
    nftnl_rule_free(r);

    error = nft_request(nr, nlh, rule_cb, ra);
    return error == ENOENT ? 0 : error;
}

static int
nft_read_forward(int family, const char *chain, struct xtables_forward *xf,
                 char **errorp)
{
    struct nft_read nr = { .seq = 0 };
    struct chain_answer ca;
    int error;

    nr.sock = mnl_socket_open(NETLINK_NETFILTER);
    if (!nr.sock || mnl_socket_bind(nr.sock, 0, MNL_SOCKET_AUTOPID) < 0) {
        error = errno;
        *errorp = xasprintf("cannot open a netfilter socket (%s)",
                            ovs_strerror(error));
        goto out;
    }
    nr.portid = mnl_socket_get_portid(nr.sock);

    error = nft_get_chain(&nr, family, "FORWARD", &ca);
    if (!error && ca.found) {
        struct rules_answer ra = { .jumps = &xf->jumps };
        xf->forward = true;
        xf->drop = ca.drop;
        error = nft_dump_rules(&nr, family, "FORWARD", &ra);
    }
    if (!error) {
        error = nft_get_chain(&nr, family, chain, &ca);
    }
    if (!error && ca.found) {
        struct rules_answer ra = { .jumps = NULL };
        xf->chain = true;
        error = nft_dump_rules(&nr, family, chain, &ra);
        xf->chain_rules = ra.n;
    }
    if (error == EAFNOSUPPORT || error == EPROTONOSUPPORT
        || error == EOPNOTSUPP) {
        /* No nf_tables: no table either. */
        xtables_forward_clear(xf);
        error = 0;
    } else if (error) {
        *errorp = xasprintf("cannot read table %s filter from nf_tables "
                            "(%s)", family == AF_INET6 ? "ip6" : "ip",
                            ovs_strerror(error));
    }

out:
    if (nr.sock) {
        mnl_socket_close(nr.sock);
    }
    return error;
}

/* The legacy backend.  ipt_getinfo and ip6t_getinfo have the same layout,
 * and so do the heads of ipt_entry and ip6t_entry but for the address
 * part: the two families differ in the socket option level and in where
 * an entry's offsets are. */

struct legacy_family {
    int level;
    int opt_info, opt_entries;
    size_t get_entries_size;    /* sizeof struct ipt_get_entries. */
    size_t entry_size;          /* sizeof struct ipt_entry. */
    size_t target_offset_ofs;   /* offsetof(ipt_entry, target_offset). */
    size_t next_offset_ofs;     /* offsetof(ipt_entry, next_offset). */
    size_t ip_size;             /* sizeof struct ipt_ip. */
};

static const struct legacy_family legacy4 = {
    IPPROTO_IP, IPT_SO_GET_INFO, IPT_SO_GET_ENTRIES,
    sizeof(struct ipt_get_entries), sizeof(struct ipt_entry),
    offsetof(struct ipt_entry, target_offset),
    offsetof(struct ipt_entry, next_offset),
    sizeof(struct ipt_ip),
};

static const struct legacy_family legacy6 = {
    IPPROTO_IPV6, IP6T_SO_GET_INFO, IP6T_SO_GET_ENTRIES,
    sizeof(struct ip6t_get_entries), sizeof(struct ip6t_entry),
    offsetof(struct ip6t_entry, target_offset),
    offsetof(struct ip6t_entry, next_offset),
    sizeof(struct ip6t_ip6),
};

/* One entry of the blob. */
struct legacy_entry {
    unsigned int offset;
    const char *target;         /* The target's name ("" standard). */
    const char *error_name;     /* An ERROR target's chain name. */
    int verdict;                /* A standard target's verdict. */
    bool plain;                 /* No match of any kind: no address,
                                 * interface or protocol, no "-m", no
                                 * goto. */
};

/* Splits 'blob' of 'size' bytes into entries.  Returns them (the caller
 * frees them) with their number in '*n', or NULL if the blob is not made
 * of well-formed entries. */
static struct legacy_entry *
legacy_split(const struct legacy_family *lf, const char *blob,
             unsigned int size, size_t *n)
{
    struct legacy_entry *entries = NULL;
    size_t allocated = 0;
    unsigned int ofs = 0;

    *n = 0;
    while (ofs < size) {
        uint16_t target_ofs, next_ofs;
        if (size - ofs < lf->entry_size) {
            free(entries);
            return NULL;
        }
        memcpy(&target_ofs, blob + ofs + lf->target_offset_ofs,
               sizeof target_ofs);
        memcpy(&next_ofs, blob + ofs + lf->next_offset_ofs, sizeof next_ofs);
        if (next_ofs < lf->entry_size
            || next_ofs > size - ofs || target_ofs < lf->entry_size
            || target_ofs + sizeof(struct xt_entry_target) > next_ofs) {
            free(entries);
            return NULL;
        }
        const struct xt_entry_target *t = (const void *) (blob + ofs
                                                          + target_ofs);
        if (*n >= allocated) {
            entries = x2nrealloc(entries, &allocated, sizeof *entries);
        }
        struct legacy_entry *le = &entries[(*n)++];
        le->offset = ofs;
        le->target = t->u.user.name;
        le->error_name = NULL;
        le->verdict = 0;
        /* The head of an entry is its ipt_ip (ip6t_ip6), all zeros for a
         * rule that matches everything, unless it has matches ("-m"), which
         * sit between the head and the target. */
        le->plain = target_ofs == lf->entry_size;
        for (size_t k = 0; k < lf->ip_size && le->plain; k++) {
            le->plain = !blob[ofs + k];
        }
        size_t data_room = next_ofs - target_ofs - sizeof *t;
        if (!strcmp(le->target, XT_ERROR_TARGET)
            && data_room >= XT_FUNCTION_MAXNAMELEN) {
            le->error_name = (const char *) t->data;
        } else if (!le->target[0] && data_room >= sizeof(int)) {
            memcpy(&le->verdict, t->data, sizeof le->verdict);
        }
        ofs += next_ofs;
    }
    return entries;
}

/* The name of the user chain whose first rule is at 'ofs', or "". */
static const char *
legacy_chain_at(const struct legacy_entry *entries, size_t n,
                unsigned int ofs)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (entries[i].error_name && entries[i + 1].offset == ofs) {
            return entries[i].error_name;
        }
    }
    return "";
}

/* Fills 'xf' from the entries of a table whose FORWARD chain runs from
 * offset 'hook' to its policy entry at 'underflow'. */
static void
legacy_parse(const struct legacy_entry *entries, size_t n, bool forward,
             unsigned int hook, unsigned int underflow, const char *chain,
             struct xtables_forward *xf)
{
    xf->forward = forward;
    for (size_t i = 0; i < n; i++) {
        const struct legacy_entry *le = &entries[i];
        if (forward && le->offset >= hook && le->offset < underflow) {
            bool jump = !le->target[0] && le->verdict >= 0;
            const char *chain = jump ? legacy_chain_at(entries, n,
                                                       le->verdict) : "";
            svec_add(&xf->jumps, !chain[0] || le->plain ? chain
                                 : XTABLES_JUMP_OTHER);
        } else if (forward && le->offset == underflow) {
            xf->drop = !le->target[0] && le->verdict == -NF_DROP - 1;
        } else if (le->error_name && !strcmp(le->error_name, chain)) {
            /* Its rules, then its RETURN, then the next chain's ERROR. */
            size_t j = i + 1;
            while (j < n && !entries[j].error_name) {
                j++;
            }
            size_t k = j - i - 1;
            xf->chain = true;
            xf->chain_rules = k ? k - 1 : 0;
        }
    }
}

static int
legacy_read_forward(int family, const char *chain,
                    struct xtables_forward *xf, char **errorp)
{
    const struct legacy_family *lf = family == AF_INET6 ? &legacy6
                                                        : &legacy4;
    struct ipt_getinfo info;
    char *buf = NULL;
    int error = 0;
    int fd;

    fd = socket(family, SOCK_RAW, IPPROTO_RAW);
    if (fd < 0 && (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT)) {
        return 0;               /* No such family (ipv6.disable=1). */
    } else if (fd < 0) {
        error = errno;
        *errorp = xasprintf("cannot open a raw socket to read iptables "
                            "(%s)", ovs_strerror(error));
        return error;
    }
    /* The table may change between the two calls: EAGAIN, try again. */
    for (int attempt = 0; attempt < 5; attempt++) {
        socklen_t len = sizeof info;
        memset(&info, 0, sizeof info);
        ovs_strlcpy(info.name, XT_FILTER, sizeof info.name);
        if (getsockopt(fd, lf->level, lf->opt_info, &info, &len)) {
            error = errno;
            break;
        }
        len = lf->get_entries_size + info.size;
        free(buf);
        buf = xzalloc(len);
        struct ipt_get_entries *ge = (struct ipt_get_entries *) buf;
        ovs_strlcpy(ge->name, XT_FILTER, sizeof ge->name);
        ge->size = info.size;
        if (getsockopt(fd, lf->level, lf->opt_entries, buf, &len)) {
            error = errno;
            if (error == EAGAIN) {
                continue;
            }
            break;
        }
        error = 0;
        break;
    }
    close(fd);

    if (error == ENOENT || error == ENOPROTOOPT) {
        /* No such table, or no x_tables for this family. */
        error = 0;
    } else if (error) {
        *errorp = xasprintf("cannot read table filter from %s "
                            "(%s)", family == AF_INET6 ? "ip6tables-legacy"
                            : "iptables-legacy", ovs_strerror(error));
    } else {
        size_t n;
        struct legacy_entry *entries = legacy_split(
            lf, buf + lf->get_entries_size, info.size, &n);
        if (!entries && info.size) {
            error = EPROTO;
            *errorp = xasprintf("table filter of %s is not what ovsnet can "
                                "read", family == AF_INET6
                                ? "ip6tables-legacy" : "iptables-legacy");
        } else {
            legacy_parse(entries, n,
                         info.valid_hooks & (1 << NF_INET_FORWARD),
                         info.hook_entry[NF_INET_FORWARD],
                         info.underflow[NF_INET_FORWARD], chain, xf);
        }
        free(entries);
    }
    free(buf);
    return error;
}

int
xtables_read_forward(enum xtables_backend backend, int family,
                     const char *chain, struct xtables_forward *xf,
                     char **errorp)
{
    int error;

    *errorp = NULL;
    xtables_forward_clear(xf);
    error = (backend == XTABLES_LEGACY
             ? legacy_read_forward(family, chain, xf, errorp)
             : nft_read_forward(family, chain, xf, errorp));
    if (error) {
        xtables_forward_clear(xf);
    }
    return error;
}

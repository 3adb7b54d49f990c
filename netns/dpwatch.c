/* netns/dpwatch: lost upcalls on the kernel datapath. */

#include <config.h>

#include "netns/dpwatch.h"

#include <errno.h>
#include <string.h>

#include "netlink.h"
#include "netlink-socket.h"
#include "odp-netlink.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb/state.h"
#include "timeval.h"
#include "unaligned.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(dpwatch);

/* The kernel datapath's name: one per network namespace. */
#define DPWATCH_DATAPATH "ovs-system"

static long long int next_check;
static bool have_count;
static uint64_t last_lost;

int
dpwatch_read_lost(uint64_t *n_lost)
{
    static const struct nl_policy policy[] = {
        [OVS_DP_ATTR_STATS] = { .type = NL_A_UNSPEC,
                                .min_len = sizeof(struct ovs_dp_stats),
                                .optional = true },
    };
    struct nlattr *attrs[ARRAY_SIZE(policy)];
    struct ofpbuf *reply = NULL;
    struct ofpbuf request;
    struct ovs_header *hdr;
    static int family;          /* nl_lookup_genl_family()'s cache. */
    int error;

    error = nl_lookup_genl_family(OVS_DATAPATH_FAMILY, &family);
    if (error) {
        return error;
    }
    ofpbuf_init(&request, 0);
    nl_msg_put_genlmsghdr(&request, 0, family, NLM_F_REQUEST,
                          OVS_DP_CMD_GET, OVS_DATAPATH_VERSION);
    hdr = ofpbuf_put_zeros(&request, sizeof *hdr);
    hdr->dp_ifindex = 0;
    nl_msg_put_string(&request, OVS_DP_ATTR_NAME, DPWATCH_DATAPATH);
    error = nl_transact(NETLINK_GENERIC, &request, &reply);
    ofpbuf_uninit(&request);
    if (error) {
        goto out;
    }
    if (!nl_policy_parse(reply, NLMSG_HDRLEN + GENL_HDRLEN
                         + sizeof(struct ovs_header),
                         policy, attrs, ARRAY_SIZE(policy))
        || !attrs[OVS_DP_ATTR_STATS]) {
        error = EPROTO;
        goto out;
    }
    const struct ovs_dp_stats *stats
        = nl_attr_get_unspec(attrs[OVS_DP_ATTR_STATS], sizeof *stats);
    *n_lost = get_32aligned_u64((const ovs_32aligned_u64 *) &stats->n_lost);

out:
    ofpbuf_delete(reply);
    return error;
}

/* Returns true if a network of the desired state is on the kernel
 * datapath. */
static bool
any_system_network(void)
{
    const struct state_network *net;

    HMAP_FOR_EACH (net, node, state_networks()) {
        if (net->cfg.datapath && !strcmp(net->cfg.datapath, "system")) {
            return true;
        }
    }
    return false;
}

void
dpwatch_run(void)
{
    uint64_t lost;

    if (time_msec() < next_check) {
        return;
    }
    next_check = time_msec() + DPWATCH_INTERVAL_MS;
    if (!any_system_network()) {
        have_count = false;
        return;
    }
    int error = dpwatch_read_lost(&lost);
    if (error) {
        VLOG_DBG("cannot read the counters of datapath %s: %s",
                 DPWATCH_DATAPATH, ovs_strerror(error));
        have_count = false;
        return;
    }
    VLOG_DBG("datapath %s: lost %"PRIu64, DPWATCH_DATAPATH, lost);
    if (have_count && lost > last_lost) {
        VLOG_ERR("the kernel datapath %s lost %"PRIu64" packets in the "
                 "last %d s (%"PRIu64" in all): they missed its flows and "
                 "no ovs-vswitchd thread took them (\"ovs-appctl "
                 "dpctl/show\": lost).  Open vSwitch 3.1.0 started within "
                 "10 s of the machine's boot has no upcall handlers (its log "
                 "says \"Overriding n-handler-threads to 0\") and loses "
                 "every such packet: restart ovs-vswitchd, or upgrade to "
                 "3.1.1 or later", DPWATCH_DATAPATH, lost - last_lost,
                 DPWATCH_INTERVAL_MS / 1000, lost);
    }
    have_count = true;
    last_lost = lost;
}

void
dpwatch_wait(void)
{
    if (any_system_network()) {
        poll_timer_wait_until(next_check);
    }
}

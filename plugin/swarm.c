#include <config.h>
#include "plugin/swarm.h"
#include <string.h>
#include "netns/link-sync.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb/addr.h"
#include "ovsdb/names.h"
#include "ovsdb/state.h"
#include "plugin/http.h"
#include "plugin/json-get.h"
#include "plugin/netopts.h"
#include "plugin/pending.h"
#include "sset.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(swarm);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* Docker's DiscoveryType for nodes (libnetwork's discoverapi.NodeDiscovery);
 * the others (datastores, encryption keys) are not for ovsnet. */
#define SWARM_NODE_DISCOVERY 1

static bool global;

void
swarm_init(bool global_)
{
    global = global_;
}

bool
swarm_is_global(void)
{
    return global;
}

/* Returns the NetworkID of 'body', or replies with an error and returns
 * NULL. */
static const char *
get_network_id(struct http_request *req, const struct json *body)
{
    const struct json *id = json_get(body, "NetworkID");

    if (!id || id->type != JSON_STRING || !names_id_valid(json_string(id))) {
        http_request_reply_error(req, 400, "%s: NetworkID must be an ID "
                                 "(digits and lowercase letters)",
                                 http_request_path(req));
        return NULL;
    }
    return json_string(id);
}

/* The nodes this node knows, itself included, separated by commas, or NULL
 * if it knows none. */
static char *
known_nodes(void)
{
    struct sset all = SSET_INITIALIZER(&all);
    struct smap_node *node;
    SMAP_FOR_EACH (node, state_nodes()) {
        sset_add(&all, node->key);
    }
    if (state_self_node()) {
        sset_add(&all, state_self_node());
    }

    char *s = NULL;
    if (!sset_is_empty(&all)) {
        const char **sorted = sset_sort(&all);
        struct svec v = SVEC_EMPTY_INITIALIZER;
        for (size_t i = 0; i < sset_count(&all); i++) {
            svec_add(&v, sorted[i]);
        }
        s = svec_join(&v, ",", "");
        svec_destroy(&v);
        free(sorted);
    }
    sset_destroy(&all);
    return s;
}

/* AllocateNetwork: checks the options as CreateNetwork will read them on
 * every node, and returns them with this node's view of the swarm. */
void
swarm_handle_allocate(struct http_request *req, const struct json *body)
{
    const char *id = get_network_id(req, body);
    if (!id) {
        return;
    }

    const struct json *options = json_get(body, "Options");
    if (options && options->type != JSON_OBJECT
        && options->type != JSON_NULL) {
        http_request_reply_error(req, 400, "AllocateNetwork: Options must "
                                 "be an object of strings");
        return;
    }

    /* What a node's CreateNetwork will get (see the protocol notes). */
    struct json *create = json_object_create();
    struct json *docker_options = json_object_create();
    if (options && options->type == JSON_OBJECT) {
        json_object_put(docker_options, "com.docker.network.generic",
                        json_clone(options));
    }
    json_object_put(create, "Options", docker_options);
    static const char *ipam_keys[] = { "IPv4Data", "IPv6Data" };
    for (size_t i = 0; i < ARRAY_SIZE(ipam_keys); i++) {
        const struct json *data = json_get(body, ipam_keys[i]);
        if (data) {
            json_object_put(create, ipam_keys[i], json_clone(data));
        }
    }

    struct state_netcfg cfg;
    state_netcfg_init(&cfg);
    char *error = netopts_parse(create, id, &cfg);
    json_destroy(create);
    if (error) {
        VLOG_WARN_RL(&rl, "AllocateNetwork %s refused: %s", id, error);
        http_request_reply_error(req, 400, "%s", error);
        free(error);
        state_netcfg_destroy(&cfg);
        return;
    }

    /* The options as given (all of them: what this returns replaces them
     * on every node), and the nodes this manager knows: a node whose plugin
     * was enabled after it joined the swarm hears of no other node from
     * Docker, but gets these with the network.  Docker calls this again for
     * every network when a new leader takes over: it must not matter. */
    struct json *out = (options && options->type == JSON_OBJECT
                        ? json_clone(options) : json_object_create());
    char *nodes = known_nodes();
    if (cfg.tunnel && nodes
        && !smap_get(&cfg.options, NETOPTS_SWARM_NODES)) {
        json_object_put_string(out, NETOPTS_SWARM_NODES, nodes);
    }
    VLOG_INFO("AllocateNetwork %s%s%s", id, nodes ? ": swarm nodes " : "",
              nodes ? nodes : "");
    free(nodes);
    state_netcfg_destroy(&cfg);

    struct json *reply = json_object_create();
    json_object_put(reply, "Options", out);
    http_request_reply_json(req, 200, reply);
}

void
swarm_add_manager_nodes(const struct state_netcfg *cfg)
{
    const char *ip;
    size_t i;

    SVEC_FOR_EACH (i, ip, &cfg->swarm_nodes) {
        bool changed;
        free(swarm_node_change(ip, "manager", &changed));
    }
}

void
swarm_handle_free(struct http_request *req, const struct json *body)
{
    const char *id = get_network_id(req, body);
    if (id) {
        VLOG_INFO("FreeNetwork %s", id);
        http_request_reply_json(req, 200, json_object_create());
    }
}

/* The swarm's nodes changed: every swarm network's tunnels follow. */
static void
nodes_changed(void)
{
    struct state_network *net;

    HMAP_FOR_EACH (net, node, state_networks()) {
        if (net->cfg.swarm && net->cfg.tunnel) {
            linksync_vxlan_changed(net);
        }
    }
    poll_immediate_wake();      /* Reconcile now, not at the next event. */
}

char *
swarm_node_change(const char *ip, const char *origin, bool *changed)
{
    char *canonical = addr_ip_canonical(ip);

    *changed = false;
    if (!canonical) {
        return xasprintf("%.80s is not an IPv4 or IPv6 address", ip);
    }
    if (origin && state_self_node()
        && !strcmp(canonical, state_self_node())) {
        /* This node: never a peer of its own. */
    } else if (origin) {
        *changed = state_node_add(canonical, origin);
    } else {
        *changed = state_node_remove(canonical);
    }
    if (*changed) {
        VLOG_INFO("swarm node %s %s%s%s", canonical,
                  origin ? "added (" : "removed", origin ? origin : "",
                  origin ? ")" : "");
        nodes_changed();
    }
    free(canonical);
    return NULL;
}

/* DiscoverNew ('add') and DiscoverDelete: {"DiscoveryType":1,
 * "DiscoveryData":{"Address":"192.0.2.22","BindAddress":"","Self":false}}.
 * Answered once the node set is in OVSDB. */
static void
handle_discover(struct http_request *req, const struct json *body, bool add)
{
    const char *call = add ? "DiscoverNew" : "DiscoverDelete";
    const struct json *type = json_get(body, "DiscoveryType");

    if (!type || type->type != JSON_INTEGER) {
        http_request_reply_error(req, 400, "%s: DiscoveryType must be a "
                                 "number", call);
        return;
    }
    if (json_integer(type) != SWARM_NODE_DISCOVERY || !global) {
        /* Not nodes, or not a swarm driver: nothing to do. */
        http_request_reply_json(req, 200, json_object_create());
        return;
    }
    if (!pending_admit(req, call)) {
        return;                 /* Run again once the state is loaded. */
    }

    const struct json *data = json_get(body, "DiscoveryData");
    const struct json *address = json_get(data, "Address");
    const struct json *self = json_get(data, "Self");
    if (!address || address->type != JSON_STRING) {
        http_request_reply_error(req, 400, "%s: DiscoveryData.Address must "
                                 "be a string", call);
        return;
    }
    if (self && self->type != JSON_TRUE && self->type != JSON_FALSE
        && self->type != JSON_NULL) {
        http_request_reply_error(req, 400, "%s: DiscoveryData.Self must be "
                                 "true or false", call);
        return;
    }

    char *error = NULL;
    bool changed = false;
    if (self && self->type == JSON_TRUE) {
        char *canonical = addr_ip_canonical(json_string(address));
        if (!canonical) {
            error = xasprintf("%.80s is not an IPv4 or IPv6 address",
                              json_string(address));
        } else if (add) {
            changed = state_set_self_node(canonical);
            if (changed) {
                VLOG_INFO("this swarm node's address: %s", canonical);
                nodes_changed();
            }
        }
        free(canonical);
    } else {
        error = swarm_node_change(json_string(address),
                                  add ? "swarm" : NULL, &changed);
    }
    if (error) {
        http_request_reply_error(req, 400, "%s: DiscoveryData.Address: %s",
                                 call, error);
        free(error);
    } else if (changed) {
        pending_add(req, call, json_object_create());
    } else {
        http_request_reply_json(req, 200, json_object_create());
    }
}

void
swarm_handle_discover_new(struct http_request *req, const struct json *body)
{
    handle_discover(req, body, true);
}

void
swarm_handle_discover_delete(struct http_request *req,
                             const struct json *body)
{
    handle_discover(req, body, false);
}

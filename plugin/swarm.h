/*
 * plugin/swarm: ovsnet as a global-scope driver, for Docker swarm.
 *
 * With --scope=global (a managed plugin, see contrib/ovsnet-plugin-create)
 * the driver tells Docker its networks span the swarm.  Docker then calls,
 * besides what a local network gets:
 *
 *   - AllocateNetwork, on the leading manager only, once per "docker network
 *     create": the options are checked here (a bad one fails the command,
 *     naming the key), and handed back with the swarm nodes this node
 *     knows (option ovs.swarm_nodes); what it returns is what every node's
 *     CreateNetwork gets.  FreeNetwork at "docker network rm".
 *
 *   - DiscoverNew and DiscoverDelete: the swarm's nodes, by the addresses
 *     they advertise.  They go into the desired state (state_nodes(), kept
 *     in OVSDB), and a swarm network has a tunnel to each of them.
 *
 * The operator's commands swarm/nodes, swarm/add-node and swarm/del-node
 * (plugin/appctl) show and change the same set.
 */
#ifndef PLUGIN_SWARM_H
#define PLUGIN_SWARM_H 1

#include <stdbool.h>

struct http_request;
struct json;
struct state_netcfg;

void swarm_init(bool global);
bool swarm_is_global(void);

/* The calls, as the driver's table dispatches them. */
void swarm_handle_allocate(struct http_request *, const struct json *body);
void swarm_handle_free(struct http_request *, const struct json *body);
void swarm_handle_discover_new(struct http_request *,
                               const struct json *body);
void swarm_handle_discover_delete(struct http_request *,
                                  const struct json *body);

/* Adds node 'ip' (any spelling) with 'origin' (see state_nodes()), or
 * removes it if 'origin' is NULL, as DiscoverNew and DiscoverDelete do.
 * Returns NULL, or an error message to free.  Sets '*changed' if the set
 * changed. */
char *swarm_node_change(const char *ip, const char *origin, bool *changed);

/* Adds the nodes of a swarm network's ovs.swarm_nodes, those the leading
 * manager knew, as nodes of origin "manager" (CreateNetwork). */
void swarm_add_manager_nodes(const struct state_netcfg *);

#endif /* plugin/swarm.h */

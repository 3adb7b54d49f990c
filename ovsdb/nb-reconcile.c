/* ovsdb/nb-reconcile: OVN networks as Northbound rows. */

#include <config.h>

#include "ovsdb/nb-reconcile.h"

#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "ovsdb/addr.h"
#include "ovsdb/names.h"
#include "ovsdb/nb.h"
#include "ovsdb/ovn-nb-idl.h"
#include "ovsdb/persist.h"
#include "ovsdb/sb.h"
#include "ovsdb/state.h"
#include "smap.h"
#include "sset.h"
#include "svec.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(nb_reconcile);

#define NBR_HOST_PREFIX "ovsnet-host-"

/* The configuration a switch records, key by key, with its name for
 * people. */
static const struct {
    const char *key;
    const char *what;
} nbr_cfg_keys[] = {
    { "ovsnet-subnets", "subnets" },
    { "ovsnet-gateways", "gateways" },
    { "ovsnet-mtu", "MTU" },
    { "ovsnet-internal", "internal" },
};

/* Network ID -> why it cannot join its switch (see nbr_network_error()). */
static struct smap errors = SMAP_INITIALIZER(&errors);

static struct ovsdb_idl_index *lsp_by_name;

char *
nbr_gateway_lsp(const char *ls)
{
    return xasprintf("ovsnet-gw-%s", ls);
}

void
nbr_register(struct ovsdb_idl *idl)
{
    ovsdb_idl_add_table(idl, &nbrec_table_nb_global);
    ovsdb_idl_add_column(idl, &nbrec_nb_global_col_external_ids);

    ovsdb_idl_add_table(idl, &nbrec_table_logical_switch);
    ovsdb_idl_add_column(idl, &nbrec_logical_switch_col_name);
    ovsdb_idl_add_column(idl, &nbrec_logical_switch_col_ports);
    ovsdb_idl_add_column(idl, &nbrec_logical_switch_col_external_ids);

    ovsdb_idl_add_table(idl, &nbrec_table_logical_switch_port);
    ovsdb_idl_add_column(idl, &nbrec_logical_switch_port_col_name);
    ovsdb_idl_add_column(idl, &nbrec_logical_switch_port_col_type);
    ovsdb_idl_add_column(idl, &nbrec_logical_switch_port_col_addresses);
    ovsdb_idl_add_column(idl, &nbrec_logical_switch_port_col_port_security);
    ovsdb_idl_add_column(idl, &nbrec_logical_switch_port_col_external_ids);
    ovsdb_idl_add_column(idl, &nbrec_logical_switch_port_col_up);

    lsp_by_name = ovsdb_idl_index_create1(
        idl, &nbrec_logical_switch_port_col_name);
}

void
nbr_destroy(void)
{
    smap_clear(&errors);
    lsp_by_name = NULL;
}

/* Fills 'ids' with the configuration of 'cfg' as a switch records it. */
static void
nbr_cfg_to_smap(const struct state_netcfg *cfg, struct smap *ids)
{
    struct svec subnets = SVEC_EMPTY_INITIALIZER;
    struct svec gateways = SVEC_EMPTY_INITIALIZER;

    svec_append(&subnets, &cfg->ipv4_pools);
    svec_append(&subnets, &cfg->ipv6_pools);
    svec_append(&gateways, &cfg->ipv4_gateways);
    svec_append(&gateways, &cfg->ipv6_gateways);
    smap_add_nocopy(ids, xstrdup("ovsnet-subnets"),
                    svec_join(&subnets, ",", ""));
    smap_add_nocopy(ids, xstrdup("ovsnet-gateways"),
                    svec_join(&gateways, ",", ""));
    smap_add_format(ids, "ovsnet-mtu", "%d", cfg->mtu);
    smap_add(ids, "ovsnet-internal", cfg->internal ? "true" : "false");
    svec_destroy(&subnets);
    svec_destroy(&gateways);
}

static const struct nbrec_logical_switch *
nbr_find_switch(struct ovsdb_idl *idl, const char *name)
{
    const struct nbrec_logical_switch *ls;

    NBREC_LOGICAL_SWITCH_FOR_EACH (ls, idl) {
        if (!strcmp(ls->name, name)) {
            return ls;
        }
    }
    return NULL;
}

static const struct nbrec_logical_switch_port *
nbr_find_lsp(const char *name)
{
    struct nbrec_logical_switch_port *key;
    const struct nbrec_logical_switch_port *lsp;

    key = nbrec_logical_switch_port_index_init_row(lsp_by_name);
    nbrec_logical_switch_port_index_set_name(key, name);
    lsp = nbrec_logical_switch_port_index_find(lsp_by_name, key);
    nbrec_logical_switch_port_index_destroy_row(key);
    return lsp;
}

/* Returns why switch 'ls' cannot carry a network of 'cfg', or NULL. */
static char *
nbr_clash(const struct nbrec_logical_switch *ls,
          const struct state_netcfg *cfg)
{
    struct smap want = SMAP_INITIALIZER(&want);
    char *error = NULL;

    if (!smap_get(&ls->external_ids, "ovsnet-subnets")) {
        error = xasprintf("logical switch %s exists in OVN's Northbound "
                          "database and is not ovsnet's", ls->name);
    }
    nbr_cfg_to_smap(cfg, &want);
    for (size_t i = 0; !error && i < ARRAY_SIZE(nbr_cfg_keys); i++) {
        const char *key = nbr_cfg_keys[i].key;
        const char *have = smap_get_def(&ls->external_ids, key, "");
        const char *mine = smap_get_def(&want, key, "");
        if (strcmp(have, mine)) {
            error = xasprintf("logical switch %s has %s \"%s\" on the other "
                              "hosts, not \"%s\"", ls->name,
                              nbr_cfg_keys[i].what, have, mine);
        }
    }
    smap_destroy(&want);
    return error;
}

char *
nbr_switch_clash(struct ovsdb_idl *idl, const struct state_netcfg *cfg)
{
    const struct nbrec_logical_switch *ls = nbr_find_switch(idl, cfg->ovn);
    return ls ? nbr_clash(ls, cfg) : NULL;
}

const char *
nbr_network_error(const char *network_id)
{
    return smap_get(&errors, network_id);
}

/* Makes 'lsp' have 'type', the 'n' 'addresses' (also as port security if
 * 'secure') and external_ids 'ids', writing only what differs. */
static void
nbr_set_lsp(const struct nbrec_logical_switch_port *lsp, const char *type,
            const char *address, bool secure, const struct smap *ids)
{
    if (strcmp(lsp->type, type)) {
        nbrec_logical_switch_port_set_type(lsp, type);
    }
    if (lsp->n_addresses != 1 || strcmp(lsp->addresses[0], address)) {
        nbrec_logical_switch_port_set_addresses(lsp, &address, 1);
    }
    size_t n_sec = secure ? 1 : 0;
    if (lsp->n_port_security != n_sec
        || (n_sec && strcmp(lsp->port_security[0], address))) {
        nbrec_logical_switch_port_set_port_security(lsp, &address, n_sec);
    }
    if (!smap_equal(&lsp->external_ids, ids)) {
        nbrec_logical_switch_port_set_external_ids(lsp, ids);
    }
}

/* Makes logical port 'name' of switch 'ls' as nbr_set_lsp() says. */
static void
nbr_ensure_lsp(struct ovsdb_idl_txn *txn,
               const struct nbrec_logical_switch *ls, const char *name,
               const char *type, const char *address, bool secure,
               const struct smap *ids)
{
    const struct nbrec_logical_switch_port *lsp = nbr_find_lsp(name);
    bool on_ls = false;

    for (size_t i = 0; lsp && !on_ls && i < ls->n_ports; i++) {
        on_ls = ls->ports[i] == lsp;
    }
    if (lsp && !on_ls) {
        /* On another switch (its network was made again with another
         * switch): it moves. */
        const struct nbrec_logical_switch *other;
        NBREC_LOGICAL_SWITCH_FOR_EACH (other, ovsdb_idl_txn_get_idl(txn)) {
            for (size_t i = 0; i < other->n_ports; i++) {
                if (other->ports[i] == lsp) {
                    nbrec_logical_switch_update_ports_delvalue(other, lsp);
                }
            }
        }
        lsp = NULL;
    }
    if (!lsp) {
        lsp = nbrec_logical_switch_port_insert(txn);
        nbrec_logical_switch_port_set_name(lsp, name);
        nbrec_logical_switch_update_ports_addvalue(ls, lsp);
    }
    nbr_set_lsp(lsp, type, address, secure, ids);
}

/* Appends the bare address of "ip/len" 'cidr' (if nonnull) to 's'. */
static void
put_bare(struct ds *s, const char *cidr)
{
    if (cidr) {
        ds_put_format(s, " %.*s", (int) strcspn(cidr, "/"), cidr);
    }
}

/* The gateway's "MAC IP..." on network 'net'. */
static char *
nbr_gateway_address(const struct state_network *net)
{
    struct eth_addr mac;
    struct ds s = DS_EMPTY_INITIALIZER;

    state_network_gateway_mac(net, &mac);
    ds_put_format(&s, ETH_ADDR_FMT, ETH_ADDR_ARGS(mac));
    for (size_t i = 0; i < net->cfg.ipv4_gateways.n; i++) {
        put_bare(&s, net->cfg.ipv4_gateways.names[i]);
    }
    for (size_t i = 0; i < net->cfg.ipv6_gateways.n; i++) {
        put_bare(&s, net->cfg.ipv6_gateways.names[i]);
    }
    return ds_steal_cstr(&s);
}

/* Makes the switch of OVN network 'net' (creating it, or joining it as
 * host 'sysid') and its gateway's logical port.  Returns the switch, or
 * NULL (with an error recorded) if the network cannot join it. */
static const struct nbrec_logical_switch *
nbr_ensure_switch(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
                  const struct state_network *net, const char *sysid)
{
    const struct nbrec_logical_switch *ls = nbr_find_switch(idl,
                                                            net->cfg.ovn);
    char *host_key = xasprintf(NBR_HOST_PREFIX "%s", sysid);

    if (ls) {
        char *error = nbr_clash(ls, &net->cfg);
        if (error) {
            if (!smap_get(&errors, net->id)) {
                VLOG_WARN("network %s: %s", net->id, error);
            }
            smap_replace_nocopy(&errors, net->id, error);
            free(host_key);
            return NULL;
        }
        if (!smap_get(&ls->external_ids, host_key)) {
            /* Joining: not if another host deletes it meanwhile. */
            nbrec_logical_switch_verify_external_ids(ls);
            nbrec_logical_switch_update_external_ids_setkey(ls, host_key,
                                                             net->id);
            VLOG_INFO("network %s: joining logical switch %s", net->id,
                      ls->name);
        }
    } else {
        struct smap ids = SMAP_INITIALIZER(&ids);
        nbr_cfg_to_smap(&net->cfg, &ids);
        smap_add(&ids, host_key, net->id);

        nb_guard_creation(idl, "ovsnet-switches");
        ls = nbrec_logical_switch_insert(txn);
        nbrec_logical_switch_set_name(ls, net->cfg.ovn);
        nbrec_logical_switch_set_external_ids(ls, &ids);
        smap_destroy(&ids);
        VLOG_INFO("network %s: creating logical switch %s", net->id,
                  net->cfg.ovn);
    }
    smap_remove(&errors, net->id);
    free(host_key);

    struct smap ids = SMAP_INITIALIZER(&ids);
    smap_add(&ids, PERSIST_KEY_ROLE, "gateway");
    smap_add(&ids, "ovsnet-switch", net->cfg.ovn);
    char *name = nbr_gateway_lsp(net->cfg.ovn);
    char *address = nbr_gateway_address(net);
    nbr_ensure_lsp(txn, ls, name, "localport", address, false, &ids);
    free(address);
    free(name);
    smap_destroy(&ids);
    return ls;
}

/* Makes the logical port of endpoint 'ep' on 'ls'. */
static void
nbr_ensure_endpoint(struct ovsdb_idl_txn *txn,
                    const struct nbrec_logical_switch *ls,
                    const struct state_endpoint *ep, const char *sysid)
{
    struct smap ids = SMAP_INITIALIZER(&ids);
    struct ds address = DS_EMPTY_INITIALIZER;

    ds_put_format(&address, ETH_ADDR_FMT, ETH_ADDR_ARGS(ep->mac));
    put_bare(&address, ep->ipv4);
    put_bare(&address, ep->ipv6);

    persist_ids_add_role(&ids, PERSIST_ROLE_ENDPOINT);
    smap_add(&ids, PERSIST_KEY_NETWORK, ep->network_id);
    smap_add(&ids, PERSIST_KEY_ENDPOINT, ep->id);
    smap_add(&ids, "ovsnet-host", sysid);
    nbr_ensure_lsp(txn, ls, ep->id, "", ds_cstr(&address), true, &ids);
    smap_destroy(&ids);
    ds_destroy(&address);
}

/* Returns true if the ports and note of host 'host' on switches go: this
 * host's ('sysid') on a switch it no longer uses ('wanted_here' false),
 * or another host's whose chassis is gone (ovsdb/sb). */
static bool
nbr_host_leaves(const char *host, const char *sysid, bool wanted_here)
{
    return (!strcmp(host, sysid) ? !wanted_here : sb_chassis_gone(host));
}

/* Takes this host's note and ports off switches it no longer uses (not in
 * 'wanted'), and those of hosts whose chassis is gone; deletes a switch no
 * host uses any more; deletes this host's logical ports that no endpoint
 * claims. */
static void
nbr_sweep(struct ovsdb_idl *idl, const struct sset *wanted,
          const char *sysid)
{
    const struct nbrec_logical_switch *ls;

    NBREC_LOGICAL_SWITCH_FOR_EACH (ls, idl) {
        if (!smap_get(&ls->external_ids, "ovsnet-subnets")) {
            continue;           /* Not ovsnet's. */
        }
        bool wanted_here = sset_contains(wanted, ls->name);
        for (size_t i = 0; i < ls->n_ports; i++) {
            const struct nbrec_logical_switch_port *lsp = ls->ports[i];
            const char *host = smap_get(&lsp->external_ids, "ovsnet-host");
            if (host && (nbr_host_leaves(host, sysid, wanted_here)
                         || (!strcmp(host, sysid)
                             && !state_endpoint_find(lsp->name)))) {
                nbrec_logical_switch_update_ports_delvalue(ls, lsp);
            }
        }

        size_t n_hosts = 0, n_leaving = 0;
        const struct smap_node *node;
        SMAP_FOR_EACH (node, &ls->external_ids) {
            if (!strncmp(node->key, NBR_HOST_PREFIX,
                         strlen(NBR_HOST_PREFIX))) {
                const char *host = node->key + strlen(NBR_HOST_PREFIX);
                bool leaves = nbr_host_leaves(host, sysid, wanted_here);
                n_hosts++;
                n_leaving += leaves;
                if (leaves) {
                    VLOG_INFO("logical switch %s: %s leaves it%s", ls->name,
                              host, strcmp(host, sysid)
                              ? " (its chassis is gone)" : "");
                }
            }
        }
        if (!n_leaving) {
            continue;
        }
        nbrec_logical_switch_verify_external_ids(ls);
        if (n_leaving == n_hosts) {
            VLOG_INFO("deleting logical switch %s: no host uses it any "
                      "more", ls->name);
            nbrec_logical_switch_delete(ls);
            continue;
        }
        SMAP_FOR_EACH (node, &ls->external_ids) {
            if (!strncmp(node->key, NBR_HOST_PREFIX, strlen(NBR_HOST_PREFIX))
                && nbr_host_leaves(node->key + strlen(NBR_HOST_PREFIX),
                                   sysid, wanted_here)) {
                nbrec_logical_switch_update_external_ids_delkey(ls,
                                                                node->key);
            }
        }
    }
}

void
nbr_reconcile(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
              const char *sysid)
{
    struct sset wanted = SSET_INITIALIZER(&wanted);
    struct shash switches = SHASH_INITIALIZER(&switches);
    const struct state_network *net;

    HMAP_FOR_EACH (net, node, state_networks()) {
        if (net->cfg.ovn) {
            const struct nbrec_logical_switch *ls;
            ls = nbr_ensure_switch(idl, txn, net, sysid);
            if (ls) {
                sset_add(&wanted, ls->name);
                shash_add_once(&switches, net->id, ls);
            }
        }
    }

    const struct state_endpoint *ep;
    HMAP_FOR_EACH (ep, node, state_endpoints()) {
        const struct nbrec_logical_switch *ls;
        ls = shash_find_data(&switches, ep->network_id);
        if (ls) {
            nbr_ensure_endpoint(txn, ls, ep, sysid);
        }
    }

    /* Errors of networks that are gone. */
    struct smap_node *node;
    SMAP_FOR_EACH_SAFE (node, &errors) {
        if (!state_network_find(node->key)) {
            smap_remove_node(&errors, node);
        }
    }

    nbr_sweep(idl, &wanted, sysid);
    shash_destroy(&switches);
    sset_destroy(&wanted);
}

bool
nbr_in_replica(struct ovsdb_idl *idl, const char *network_id,
               const char *endpoint_id, const char *sysid)
{
    const struct state_network *net = state_network_find(network_id);
    if (!net || !net->cfg.ovn || !sysid) {
        return false;
    }
    const struct nbrec_logical_switch *ls = nbr_find_switch(idl,
                                                            net->cfg.ovn);
    char *host_key = xasprintf(NBR_HOST_PREFIX "%s", sysid);
    bool ok = ls && smap_get(&ls->external_ids, host_key);
    free(host_key);
    if (ok && endpoint_id) {
        /* Logical_Switch_Port is not a root table: a port in the replica
         * is on a switch, the one its network's (written with it, in one
         * transaction).  No walk through the switch's ports. */
        const struct nbrec_logical_switch_port *lsp;
        lsp = nbr_find_lsp(endpoint_id);
        ok = lsp && !strcmp(smap_get_def(&lsp->external_ids,
                                         PERSIST_KEY_NETWORK, ""),
                            network_id);
    }
    return ok;
}

void
nbr_describe_network(struct ds *s, struct ovsdb_idl *idl,
                     const struct state_network *net)
{
    if (!net->cfg.ovn) {
        return;
    }
    const struct nbrec_logical_switch *ls = (idl
                                             ? nbr_find_switch(idl,
                                                               net->cfg.ovn)
                                             : NULL);
    ds_put_format(s, "    ovn: logical switch %s", net->cfg.ovn);
    if (ls) {
        size_t n_hosts = 0;
        const struct smap_node *node;
        SMAP_FOR_EACH (node, &ls->external_ids) {
            n_hosts += !strncmp(node->key, NBR_HOST_PREFIX,
                                strlen(NBR_HOST_PREFIX));
        }
        ds_put_format(s, " (%"PRIuSIZE" host%s, %"PRIuSIZE" ports), "
                      "gateway port ovsnet-gw-%s", n_hosts,
                      n_hosts == 1 ? "" : "s", ls->n_ports, net->cfg.ovn);
    } else if (!idl) {
        ds_put_cstr(s, " (ovsnetd runs without --ovn-nb)");
    } else if (!nb_is_connected()) {
        ds_put_format(s, " (%s)", (ovsdb_idl_has_ever_connected(idl)
                                   ? nb_waiting_for()
                                   : "not connected to OVN's Northbound "
                                     "database yet"));
    } else {
        ds_put_cstr(s, " (not in the Northbound database)");
    }
    const char *error = nbr_network_error(net->id);
    if (error) {
        ds_put_format(s, "; cannot join it: %s", error);
    }
    ds_put_cstr(s, "\n");
}

void
nbr_describe_endpoint(struct ds *s, struct ovsdb_idl *idl,
                      const struct state_endpoint *ep, bool installed,
                      const char *system_id)
{
    const struct state_network *net = state_network_find(ep->network_id);
    if (!net || !net->cfg.ovn) {
        return;
    }
    const struct nbrec_logical_switch_port *lsp = (idl
                                                   ? nbr_find_lsp(ep->id)
                                                   : NULL);
    ds_put_format(s, "    ovn: switch %s, logical port %s", net->cfg.ovn,
                  lsp ? "in the Northbound database"
                  : nb_is_connected() ? "missing"
                  : "unknown (not connected to the Northbound database)");
    if (lsp && lsp->n_up) {
        ds_put_format(s, ", up %s", lsp->up[0] ? "true" : "false");
    }
    ds_put_format(s, ", %s", installed ? "ovn-installed"
                  : "not installed by ovn-controller yet");
    ds_put_format(s, " on chassis %s\n", system_id ? system_id : "(none)");
}

/* ovsdb/reconcile: make OVSDB match the desired state. */

#include <config.h>

#include "ovsdb/reconcile.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "openvswitch/hmap.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "ovsdb/db.h"
#include "ovsdb/names.h"
#include "ovsdb/nb-reconcile.h"
#include "ovsdb/persist.h"
#include "ovsdb/state.h"
#include "packets.h"
#include "sha1.h"
#include "sset.h"
#include "svec.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(reconcile);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* A bridge of the database, or one this pass creates. */
struct bridge_info {
    const struct ovsrec_bridge *br;
    bool is_new;
    /* New bridges get their ports all at once. */
    const struct ovsrec_port **ports;
    size_t n_ports, allocated_ports;
};

/* A port that ovsnet owns, and its bridge. */
struct port_info {
    const struct ovsrec_port *port;
    const struct ovsrec_bridge *br;
};

/* An endpoint whose Port and Interface rows a pass found exactly as they
 * should be: the rows, their IDL change seqnos, and the endpoint's
 * 'changed_seqno' then.  While none of these moves, the rows need no new
 * look: a pass over 1,000 endpoints that changed nothing takes a hash
 * lookup each. */
struct endpoint_ok {
    struct hmap_node node;      /* In 'endpoints_ok', by hash of 'port'. */
    char *port;                 /* The endpoint's port name. */
    const struct ovsrec_port *port_row;
    const struct ovsrec_interface *iface_row;
    unsigned int port_seqno, iface_seqno;
    uint64_t changed_seqno;
};

static struct hmap endpoints_ok = HMAP_INITIALIZER(&endpoints_ok);

/* One pass: what it reads, and the actual state it works through. */
struct reconcile_ctx {
    const struct reconcile_ctx_in *in;
    const struct ovsrec_open_vswitch *ovs;
    struct shash bridges;       /* Every bridge, by name: bridge_info. */
    struct shash ports;         /* The ports ovsnet owns that no desired
                                 * object has claimed yet, by name:
                                 * port_info.  What is left at the end
                                 * goes. */
};

static bool
owned(const struct smap *ids, const char *role)
{
    const char *r = smap_get(ids, PERSIST_KEY_ROLE);
    return r && (!role || !strcmp(r, role)) && persist_ids_are_mine(ids);
}

/* Every port of ovsnet's is an access port of its network's VLAN: 'vlan'
 * 1 to 4094, or 0 for an untagged network.  A port without a tag would be
 * a trunk of every VLAN in OVS, carrying the other networks' frames on a
 * shared bridge and letting its container send into them (tag 0 makes it
 * drop what comes in tagged and see only untagged frames). */
static bool
port_tag_ok(const struct ovsrec_port *port, int vlan)
{
    return port->n_tag == 1 && port->tag[0] == vlan;
}

static void
port_set_tag(const struct ovsrec_port *port, int vlan)
{
    int64_t tag = vlan;
    ovsrec_port_set_tag(port, &tag, 1);
}

static struct bridge_info *
add_bridge_info(struct shash *bridges, const struct ovsrec_bridge *br,
                bool is_new)
{
    struct bridge_info *bi = xzalloc(sizeof *bi);
    bi->br = br;
    bi->is_new = is_new;
    shash_add(bridges, br->name, bi);
    return bi;
}

static void
bridge_add_port(struct bridge_info *bi, const struct ovsrec_port *port)
{
    if (bi->is_new) {
        if (bi->n_ports >= bi->allocated_ports) {
            bi->ports = x2nrealloc(bi->ports, &bi->allocated_ports,
                                   sizeof *bi->ports);
        }
        bi->ports[bi->n_ports++] = port;
    } else {
        ovsrec_bridge_update_ports_addvalue(bi->br, port);
    }
}

/* Creates port 'name' on bridge 'bi', with one interface of 'type', the
 * external_ids 'port_ids' and 'iface_ids', access port of 'vlan'.  Returns
 * the interface, and the port in '*portp' if 'portp' is nonnull. */
static const struct ovsrec_interface *
create_port(struct reconcile_ctx *ctx, struct bridge_info *bi,
            const char *name, const char *type, const struct smap *port_ids,
            const struct smap *iface_ids, int vlan,
            const struct ovsrec_port **portp)
{
    struct ovsdb_idl_txn *txn = ctx->in->txn;
    const struct ovsrec_interface *iface = ovsrec_interface_insert(txn);
    ovsrec_interface_set_name(iface, name);
    ovsrec_interface_set_type(iface, type);
    ovsrec_interface_set_external_ids(iface, iface_ids);

    const struct ovsrec_port *port = ovsrec_port_insert(txn);
    ovsrec_port_set_name(port, name);
    ovsrec_port_set_interfaces(port,
                               (struct ovsrec_interface **) &iface, 1);
    ovsrec_port_set_external_ids(port, port_ids);
    port_set_tag(port, vlan);
    bridge_add_port(bi, port);
    if (portp) {
        *portp = port;
    }
    return iface;
}

/* Makes ovsnet's keys in ROW's external_ids what WANT says, key by key
 * (SETKEY and DELKEY are the table's partial-update functions), so that
 * keys of other writers stay. */
#define UPDATE_OUR_IDS(ROW, WANT, SETKEY, DELKEY)                           \
    do {                                                                    \
        const struct smap_node *node_;                                      \
        SMAP_FOR_EACH (node_, WANT) {                                       \
            const char *have_ = smap_get(&(ROW)->external_ids, node_->key); \
            if (!have_ || strcmp(have_, node_->value)) {                    \
                SETKEY(ROW, node_->key, node_->value);                      \
            }                                                               \
        }                                                                   \
        SMAP_FOR_EACH (node_, &(ROW)->external_ids) {                       \
            if (persist_key_is_ours(node_->key)                             \
                && !smap_get(WANT, node_->key)) {                           \
                DELKEY(ROW, node_->key);                                    \
            }                                                               \
        }                                                                   \
    } while (0)

/* Makes the columns ovsnet sets on an existing 'port' what they should be,
 * writing only what differs. */
static const struct ovsrec_interface *
update_port(const struct ovsrec_port *port, const char *type,
            const struct smap *port_ids, const struct smap *iface_ids,
            int vlan)
{
    UPDATE_OUR_IDS(port, port_ids, ovsrec_port_update_external_ids_setkey,
                   ovsrec_port_update_external_ids_delkey);
    if (!port_tag_ok(port, vlan)) {
        port_set_tag(port, vlan);
    }
    if (port->n_interfaces != 1) {
        return NULL;            /* Not our shape: caller replaces it. */
    }

    const struct ovsrec_interface *iface = port->interfaces[0];
    if (strcmp(iface->type, type)) {
        ovsrec_interface_set_type(iface, type);
    }
    UPDATE_OUR_IDS(iface, iface_ids,
                   ovsrec_interface_update_external_ids_setkey,
                   ovsrec_interface_update_external_ids_delkey);
    return iface;
}

/* Keeps the port called 'name' on bridge 'bi' if it is there (claiming it
 * from 'ctx->ports'), or creates it.  Arguments and return value as for
 * create_port(). */
static const struct ovsrec_interface *
ensure_port(struct reconcile_ctx *ctx, struct bridge_info *bi,
            const char *name, const char *type,
            const struct smap *port_ids, const struct smap *iface_ids,
            int vlan, const struct ovsrec_port **portp)
{
    struct shash *ports = &ctx->ports;
    struct port_info *pi = shash_find_data(ports, name);
    const struct ovsrec_interface *iface = NULL;

    if (pi && pi->br == bi->br) {
        iface = update_port(pi->port, type, port_ids, iface_ids, vlan);
        if (iface) {
            if (portp) {
                *portp = pi->port;
            }
            free(shash_find_and_delete(ports, name));
            return iface;
        }
    }
    if (pi) {
        /* On the wrong bridge or of the wrong shape: it goes with the other
         * leftovers, and a new one is made.  OVSDB allows one port of a
         * name per bridge, but ovs-vswitchd one per datapath, so delete
         * first. */
        ovsrec_bridge_update_ports_delvalue(pi->br, pi->port);
        free(shash_find_and_delete(ports, name));
    }
    return create_port(ctx, bi, name, type, port_ids, iface_ids, vlan,
                       portp);
}

static void
set_protected(const struct ovsrec_port *port, bool protected)
{
    if (port->protected_ != protected) {
        ovsrec_port_set_protected_(port, protected);
    }
}

/* Returns the name of the tunnel port of network 'id' towards 'peer':
 * "ovstn-" and 9 hex digits of a hash of both. */
static char *
tunnel_port_name(const char *id, const char *peer)
{
    uint8_t digest[SHA1_DIGEST_SIZE];
    char *s = xasprintf("%s/%s", id, peer);

    sha1_bytes(s, strlen(s), digest);
    free(s);
    return xasprintf("ovstn-%02x%02x%02x%02x%x", digest[0], digest[1],
                     digest[2], digest[3], digest[4] >> 4);
}

/* Makes the port of the kernel VXLAN device of network 'net' on bridge
 * 'bi', once the device is ready (netns/link-sync): one port for all peers,
 * the kernel's FDB sending to each of them. */
static void
ensure_vxlan_port(struct reconcile_ctx *ctx, struct bridge_info *bi,
                  const struct state_network *net)
{
    if (!sset_contains(ctx->in->ready_links, net->vx_dev)) {
        return;
    }

    struct smap ids = SMAP_INITIALIZER(&ids);
    const struct ovsrec_port *port;
    persist_ids_add_role(&ids, PERSIST_ROLE_TUNNEL);
    smap_add(&ids, PERSIST_KEY_NETWORK, net->id);
    ensure_port(ctx, bi, net->vx_dev, "", &ids, &ids, net->cfg.vlan, &port);
    set_protected(port, true);
    smap_destroy(&ids);
}

/* Makes the tunnel port of network 'net' on bridge 'bi' towards 'peer'. */
static void
ensure_tunnel_port(struct reconcile_ctx *ctx, struct bridge_info *bi,
                   const struct state_network *net, const char *peer)
{
    const struct state_netcfg *cfg = &net->cfg;
    struct smap ids = SMAP_INITIALIZER(&ids);
    persist_ids_add_role(&ids, PERSIST_ROLE_TUNNEL);
    smap_add(&ids, PERSIST_KEY_NETWORK, net->id);
    smap_add(&ids, "ovsnet-remote-ip", peer);

    char *name = tunnel_port_name(net->id, peer);
    const struct ovsrec_interface *iface;
    const struct ovsrec_port *port;
    iface = ensure_port(ctx, bi, name, cfg->tunnel, &ids, &ids, cfg->vlan,
                        &port);
    set_protected(port, true);

    struct smap options = SMAP_INITIALIZER(&options);
    smap_add(&options, "remote_ip", peer);
    smap_add_format(&options, "key", "%"PRIu64, cfg->vni);
    if (cfg->local_ip) {
        smap_add(&options, "local_ip", cfg->local_ip);
    }
    if (!smap_equal(&iface->options, &options)) {
        ovsrec_interface_set_options(iface, &options);
    }
    smap_destroy(&options);
    smap_destroy(&ids);
    free(name);
}

/* Makes the tunnel ports of network 'net' on bridge 'bi': its kernel VXLAN
 * device's, or one to each of its peers that is not this host.  Tunnel
 * ports are protected: what comes in from one tunnel never goes out of
 * another (split horizon), so broadcast reaches every host once and a full
 * mesh does not loop. */
static void
ensure_tunnels(struct reconcile_ctx *ctx, struct bridge_info *bi,
               const struct state_network *net)
{
    if (net->vx_dev) {
        ensure_vxlan_port(ctx, bi, net);
        return;
    }

    struct svec remotes = SVEC_EMPTY_INITIALIZER;
    const char *peer;
    size_t i;

    state_netcfg_split_peers(&net->cfg, ctx->in->local_addrs, &remotes,
                             NULL);
    SVEC_FOR_EACH (i, peer, &remotes) {
        ensure_tunnel_port(ctx, bi, net, peer);
    }
    svec_destroy(&remotes);
}

/* Returns the IDL's seqno of the last change of 'row': its insertion, or a
 * change of a column that alerts. */
static unsigned int
row_seqno(const struct ovsdb_idl_row *row)
{
    return MAX(ovsdb_idl_row_get_seqno(row, OVSDB_IDL_CHANGE_INSERT),
               ovsdb_idl_row_get_seqno(row, OVSDB_IDL_CHANGE_MODIFY));
}

static struct endpoint_ok *
endpoint_ok_find(const char *port)
{
    struct endpoint_ok *ok;

    HMAP_FOR_EACH_WITH_HASH (ok, node, hash_string(port, 0), &endpoints_ok) {
        if (!strcmp(ok->port, port)) {
            return ok;
        }
    }
    return NULL;
}

static void
endpoint_ok_forget(struct endpoint_ok *ok)
{
    if (ok) {
        hmap_remove(&endpoints_ok, &ok->node);
        free(ok->port);
        free(ok);
    }
}

/* Returns true if 'port' is the row, unchanged since, that a pass found
 * exactly right for endpoint 'ep', itself unchanged since. */
static bool
endpoint_port_still_ok(const struct state_endpoint *ep,
                       const struct ovsrec_port *port)
{
    const struct endpoint_ok *ok = endpoint_ok_find(ep->port);

    return (ok && ok->port_row == port
            && ok->changed_seqno == ep->changed_seqno
            && ok->port_seqno == row_seqno(&port->header_)
            && port->n_interfaces == 1
            && ok->iface_row == port->interfaces[0]
            && ok->iface_seqno == row_seqno(&port->interfaces[0]->header_));
}

/* Records that 'port' is exactly right for endpoint 'ep'. */
static void
endpoint_port_record_ok(const struct state_endpoint *ep,
                        const struct ovsrec_port *port)
{
    struct endpoint_ok *ok = endpoint_ok_find(ep->port);

    if (!ok) {
        ok = xzalloc(sizeof *ok);
        ok->port = xstrdup(ep->port);
        hmap_insert(&endpoints_ok, &ok->node, hash_string(ok->port, 0));
    }
    ok->port_row = port;
    ok->port_seqno = row_seqno(&port->header_);
    ok->iface_row = port->interfaces[0];
    ok->iface_seqno = row_seqno(&port->interfaces[0]->header_);
    ok->changed_seqno = ep->changed_seqno;
}

/* Forgets the records of endpoints that are gone (a full pass). */
static void
endpoints_ok_sweep(void)
{
    struct endpoint_ok *ok;

    HMAP_FOR_EACH_SAFE (ok, node, &endpoints_ok) {
        if (!state_endpoint_find_by_port(ok->port)) {
            endpoint_ok_forget(ok);
        }
    }
}

/* Returns true, claiming the port from 'ctx->ports', if endpoint 'ep''s
 * port is on bridge 'bi' exactly as it should be.  The common case, checked
 * without building the rows' columns; and once checked, not again until the
 * rows or the endpoint change. */
static bool
endpoint_port_ok(struct reconcile_ctx *ctx, const struct bridge_info *bi,
                 const struct state_endpoint *ep, int vlan)
{
    struct shash *ports = &ctx->ports;
    struct port_info *pi = shash_find_data(ports, ep->port);
    if (!pi || pi->br != bi->br) {
        return false;
    }

    const struct ovsrec_port *port = pi->port;
    if (endpoint_port_still_ok(ep, port)) {
        free(shash_find_and_delete(ports, ep->port));
        return true;
    }
    if (!port_tag_ok(port, vlan)
        || port->n_interfaces != 1
        || persist_count_our_keys(&port->external_ids) != 4
        || strcmp(smap_get_def(&port->external_ids, PERSIST_KEY_ROLE, ""),
                  PERSIST_ROLE_ENDPOINT)
        || strcmp(smap_get_def(&port->external_ids, PERSIST_KEY_DRIVER, ""),
                  names_driver())
        || strcmp(smap_get_def(&port->external_ids, PERSIST_KEY_NETWORK, ""),
                  ep->network_id)
        || strcmp(smap_get_def(&port->external_ids, PERSIST_KEY_ENDPOINT, ""),
                  ep->id)) {
        return false;
    }

    const struct ovsrec_interface *iface = port->interfaces[0];
    if (iface->type[0]
        || !persist_endpoint_ids_match(ep, &iface->external_ids)) {
        return false;
    }
    endpoint_port_record_ok(ep, port);
    free(shash_find_and_delete(ports, ep->port));
    return true;
}

/* Loads the actual state into 'ctx': every bridge, and every port ovsnet
 * owns (but bridges' own ports). */
static void
load_actual(struct reconcile_ctx *ctx)
{
    const struct ovsrec_bridge *br;

    OVSREC_BRIDGE_FOR_EACH (br, ctx->in->idl) {
        add_bridge_info(&ctx->bridges, br, false);
        for (size_t i = 0; i < br->n_ports; i++) {
            const struct ovsrec_port *port = br->ports[i];
            if (owned(&port->external_ids, NULL)
                && !owned(&port->external_ids, PERSIST_ROLE_BRIDGE)) {
                struct port_info *pi = xmalloc(sizeof *pi);
                pi->port = port;
                pi->br = br;
                if (!shash_add_once(&ctx->ports, port->name, pi)) {
                    free(pi);   /* Same name on two bridges: keep one. */
                    ovsrec_bridge_update_ports_delvalue(br, port);
                }
            }
        }
    }
}

/* Creates the bridge of network 'net' if there is none of its name. */
static void
ensure_bridge(struct reconcile_ctx *ctx, const struct state_network *net)
{
    if (shash_find(&ctx->bridges, net->cfg.bridge)) {
        return;
    }

    struct smap ids = SMAP_INITIALIZER(&ids);
    persist_ids_add_role(&ids, PERSIST_ROLE_BRIDGE);
    smap_add(&ids, PERSIST_KEY_NETWORK, net->id);

    const struct ovsrec_bridge *br = ovsrec_bridge_insert(ctx->in->txn);
    ovsrec_bridge_set_name(br, net->cfg.bridge);
    ovsrec_bridge_set_datapath_type(br, net->cfg.datapath);
    ovsrec_bridge_set_external_ids(br, &ids);
    ovsrec_open_vswitch_update_bridges_addvalue(ctx->ovs, br);
    struct bridge_info *bi = add_bridge_info(&ctx->bridges, br, true);

    /* The bridge's own internal port, as "ovs-vsctl add-br" makes. */
    struct smap local_ids = SMAP_INITIALIZER(&local_ids);
    persist_ids_add_role(&local_ids, PERSIST_ROLE_BRIDGE);
    create_port(ctx, bi, net->cfg.bridge, "internal", &local_ids,
                &local_ids, 0, NULL);
    smap_destroy(&local_ids);
    smap_destroy(&ids);
    VLOG_INFO("network %s: creating bridge %s (datapath_type=%s)",
              net->id, net->cfg.bridge, net->cfg.datapath);
}

/* Makes the gateway port of network 'net', and its tunnel ports if it has
 * a tunnel. */
static void
ensure_gateway_port(struct reconcile_ctx *ctx,
                    const struct state_network *net)
{
    struct bridge_info *bi = shash_find_data(&ctx->bridges, net->cfg.bridge);
    struct smap port_ids = SMAP_INITIALIZER(&port_ids);
    struct smap iface_ids = SMAP_INITIALIZER(&iface_ids);

    persist_network_to_smap(net, &port_ids);
    persist_ids_add_role(&iface_ids, PERSIST_ROLE_NETWORK);
    smap_add(&iface_ids, PERSIST_KEY_NETWORK, net->id);
    if (net->cfg.ovn) {
        /* ovn-controller binds it to the switch's localport. */
        smap_add_nocopy(&iface_ids, xstrdup("iface-id"),
                        nbr_gateway_lsp(net->cfg.ovn));
    }

    const struct ovsrec_interface *iface;
    const struct ovsrec_port *port;
    iface = ensure_port(ctx, bi, net->gw_port, "internal", &port_ids,
                        &iface_ids, net->cfg.vlan, &port);
    /* The MTU is requested once the port is in the datapath: on the
     * kernel datapath an internal port's device is made only then, and
     * ovs-vswitchd, asked for its MTU in the transaction that creates the
     * port, fails ("failed to set MTU for network device ovsgw-...: No
     * such device").  link-sync sets the MTU of the device itself too. */
    int64_t mtu = net->cfg.mtu;
    if (sset_contains(ctx->in->ready_links, net->gw_port)
        && (iface->n_mtu_request != 1 || iface->mtu_request[0] != mtu)) {
        ovsrec_interface_set_mtu_request(iface, &mtu, 1);
    }

    /* On a tunnel network every host is the gateway of its own containers,
     * with the same address and MAC (an anycast gateway): the gateway port
     * is protected, like the tunnels, so that it never talks across
     * them.  In OVN mode too (OVN's localport keeps it local). */
    bool protected = net->cfg.tunnel != NULL;
    set_protected(port, protected);
    char mac[ETH_ADDR_STRLEN + 1] = "";
    if (protected || net->cfg.ovn) {
        struct eth_addr ea;
        state_network_gateway_mac(net, &ea);
        snprintf(mac, sizeof mac, ETH_ADDR_FMT, ETH_ADDR_ARGS(ea));
    }
    if (strcmp(iface->mac ? iface->mac : "", mac)) {
        ovsrec_interface_set_mac(iface, mac[0] ? mac : NULL);
    }
    if (net->cfg.tunnel) {
        ensure_tunnels(ctx, bi, net);
    }
    smap_destroy(&port_ids);
    smap_destroy(&iface_ids);
}

/* Returns in '*trunks' (sorted, which the caller frees) the VLANs of the
 * provider networks on uplink 'name' (0 for an untagged one), and their
 * number. */
static size_t
uplink_vlans(const char *name, int64_t **trunks)
{
    const struct state_network *net;
    size_t n = 0;

    *trunks = xmalloc((hmap_count(state_networks()) + 1) * sizeof **trunks);
    HMAP_FOR_EACH (net, node, state_networks()) {
        if (net->cfg.uplink && !strcmp(net->cfg.uplink, name)) {
            size_t i = n++;
            for (; i > 0 && (*trunks)[i - 1] > net->cfg.vlan; i--) {
                (*trunks)[i] = (*trunks)[i - 1];
            }
            (*trunks)[i] = net->cfg.vlan;
        }
    }
    return n;
}

/* Makes the uplink port of provider network 'net' on its bridge, unless it
 * is a port that was there before (not ovsnet's, left as it is): one port
 * for all the networks on that uplink, a trunk of exactly their VLANs, so
 * that the bridge's other networks never reach the physical network (and
 * it never reaches them). */
static void
ensure_uplink_port(struct reconcile_ctx *ctx, const struct state_network *net)
{
    const char *name = net->cfg.uplink;
    struct bridge_info *bi = shash_find_data(&ctx->bridges, net->cfg.bridge);
    struct port_info *pi = shash_find_data(&ctx->ports, name);
    if (!pi && db_foreign_port_exists(name)) {
        return;
    }

    struct smap ids = SMAP_INITIALIZER(&ids);
    const struct ovsrec_port *port;
    persist_ids_add_role(&ids, PERSIST_ROLE_UPLINK);
    if (pi && pi->br == bi->br && pi->port->n_interfaces == 1) {
        port = pi->port;
        UPDATE_OUR_IDS(port, &ids, ovsrec_port_update_external_ids_setkey,
                       ovsrec_port_update_external_ids_delkey);
        UPDATE_OUR_IDS(port->interfaces[0], &ids,
                       ovsrec_interface_update_external_ids_setkey,
                       ovsrec_interface_update_external_ids_delkey);
        free(shash_find_and_delete(&ctx->ports, name));
    } else {
        if (pi) {
            /* On another bridge, or not our shape: as ensure_port(). */
            ovsrec_bridge_update_ports_delvalue(pi->br, pi->port);
            free(shash_find_and_delete(&ctx->ports, name));
        }
        create_port(ctx, bi, name, "", &ids, &ids, 0, &port);
        VLOG_INFO("network %s: adding uplink %s to bridge %s", net->id,
                  name, bi->br->name);
    }
    if (port->n_tag) {
        ovsrec_port_set_tag(port, NULL, 0);
    }

    int64_t *trunks;
    size_t n = uplink_vlans(name, &trunks);
    if (port->n_trunks != n
        || memcmp(port->trunks, trunks, n * sizeof *trunks)) {
        ovsrec_port_set_trunks(port, trunks, n);
    }
    free(trunks);
    smap_destroy(&ids);
}

/* The uplink ports of the provider networks, each once. */
static void
ensure_uplinks(struct reconcile_ctx *ctx)
{
    struct sset done = SSET_INITIALIZER(&done);
    const struct state_network *net;

    HMAP_FOR_EACH (net, node, state_networks()) {
        if (net->cfg.uplink && sset_add(&done, net->cfg.uplink)) {
            ensure_uplink_port(ctx, net);
        }
    }
    sset_destroy(&done);
}

/* Makes the port of endpoint 'ep', once its link exists. */
static void
ensure_endpoint_port(struct reconcile_ctx *ctx,
                     const struct state_endpoint *ep)
{
    if (!sset_contains(ctx->in->ready_links, ep->port) || ep->error) {
        return;
    }

    const struct state_network *net = state_network_find(ep->network_id);
    struct bridge_info *bi = shash_find_data(&ctx->bridges, net->cfg.bridge);
    if (endpoint_port_ok(ctx, bi, ep, net->cfg.vlan)) {
        return;
    }

    struct smap port_ids = SMAP_INITIALIZER(&port_ids);
    struct smap iface_ids = SMAP_INITIALIZER(&iface_ids);

    persist_ids_add_role(&port_ids, PERSIST_ROLE_ENDPOINT);
    smap_add(&port_ids, PERSIST_KEY_NETWORK, ep->network_id);
    smap_add(&port_ids, PERSIST_KEY_ENDPOINT, ep->id);
    persist_endpoint_to_smap(ep, &iface_ids);
    ensure_port(ctx, bi, ep->port, "", &port_ids, &iface_ids,
                net->cfg.vlan, NULL);
    smap_destroy(&port_ids);
    smap_destroy(&iface_ids);
}

/* Deletes the ports of ovsnet that no desired object claimed. */
static void
delete_unclaimed_ports(struct reconcile_ctx *ctx)
{
    struct shash_node *node;
    bool ack = false;

    SHASH_FOR_EACH (node, &ctx->ports) {
        struct port_info *pi = node->data;
        VLOG_INFO("removing port %s from bridge %s", pi->port->name,
                  pi->br->name);
        ovsrec_bridge_update_ports_delvalue(pi->br, pi->port);
        /* A VXLAN device may be made again under the same name: see
         * fix_vxlan_link() in netns/link-sync. */
        ack |= !strncmp(pi->port->name, NAMES_VXLAN_PREFIX,
                        strlen(NAMES_VXLAN_PREFIX));
    }
    if (ack) {
        db_request_vswitchd_ack(ctx->in->txn);
    }
}

/* Returns true if a network of the desired state uses bridge 'name'. */
static bool
bridge_is_used(const char *name)
{
    const struct state_network *net;

    HMAP_FOR_EACH (net, node, state_networks()) {
        if (!strcmp(net->cfg.bridge, name)) {
            return true;
        }
    }
    return false;
}

/* Gives new bridges their ports, and deletes the bridges ovsnet made that
 * no network uses. */
static void
finish_bridges(struct reconcile_ctx *ctx)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, &ctx->bridges) {
        struct bridge_info *bi = node->data;

        if (bi->is_new) {
            ovsrec_bridge_set_ports(bi->br,
                                    (struct ovsrec_port **) bi->ports,
                                    bi->n_ports);
        } else if (!bridge_is_used(bi->br->name)
                   && db_bridge_deletable(bi->br)) {
            VLOG_INFO("deleting bridge %s, which no network uses",
                      bi->br->name);
            /* Not if another ovsnetd has just added a port to it. */
            ovsrec_bridge_verify_ports(bi->br);
            ovsrec_open_vswitch_update_bridges_delvalue(ctx->ovs, bi->br);
        }
    }
}

/* Empties 'ctx' of the actual state it loaded. */
static void
reconcile_ctx_clear(struct reconcile_ctx *ctx)
{
    struct shash_node *node;

    shash_clear_free_data(&ctx->ports);
    SHASH_FOR_EACH (node, &ctx->bridges) {
        struct bridge_info *bi = node->data;
        free(bi->ports);
        free(bi);
    }
    shash_clear(&ctx->bridges);
}

static void
reconcile_ctx_destroy(struct reconcile_ctx *ctx)
{
    reconcile_ctx_clear(ctx);
    shash_destroy(&ctx->ports);
    shash_destroy(&ctx->bridges);
}

/* Makes all of OVSDB what the desired state says. */
/* Makes key 'key' of the Open_vSwitch row's external_ids 'value', or
 * removes it if 'value' is NULL.  Takes ownership of 'key'. */
static void
ensure_ovs_key(struct reconcile_ctx *ctx, char *key, const char *value)
{
    const char *have = smap_get(&ctx->ovs->external_ids, key);

    if (!nullable_string_is_equal(have, value)) {
        if (value) {
            ovsrec_open_vswitch_update_external_ids_setkey(ctx->ovs, key,
                                                           value);
        } else {
            ovsrec_open_vswitch_update_external_ids_delkey(ctx->ovs, key);
        }
    }
    free(key);
}

/* Records Docker swarm's nodes (see ovsdb/persist). */
static void
ensure_swarm_nodes(struct reconcile_ctx *ctx)
{
    char *nodes = persist_nodes_value();

    ensure_ovs_key(ctx, persist_nodes_key(), nodes);
    ensure_ovs_key(ctx, persist_self_node_key(), state_self_node());
    free(nodes);
}

static void
reconcile_all(struct reconcile_ctx *ctx)
{
    const struct state_network *net;
    const struct state_endpoint *ep;

    load_actual(ctx);
    HMAP_FOR_EACH (net, node, state_networks()) {
        ensure_bridge(ctx, net);
    }
    HMAP_FOR_EACH (net, node, state_networks()) {
        ensure_gateway_port(ctx, net);
    }
    ensure_uplinks(ctx);
    HMAP_FOR_EACH (ep, node, state_endpoints()) {
        ensure_endpoint_port(ctx, ep);
    }
    delete_unclaimed_ports(ctx);
    finish_bridges(ctx);
    endpoints_ok_sweep();
    ensure_swarm_nodes(ctx);
}

/* Returns the bridge among 'ctx->bridges' that has 'port', or NULL. */
static const struct ovsrec_bridge *
bridge_of_port(const struct reconcile_ctx *ctx,
               const struct ovsrec_port *port)
{
    const struct shash_node *node;

    SHASH_FOR_EACH (node, &ctx->bridges) {
        const struct bridge_info *bi = node->data;
        for (size_t i = 0; i < bi->br->n_ports; i++) {
            if (bi->br->ports[i] == port) {
                return bi->br;
            }
        }
    }
    return NULL;
}

/* Loads into 'ctx' every bridge, and the ports called 'names' (those of the
 * endpoints added, changed or removed).  Returns false if reconcile_all()
 * must deal with them: a port of such a name on two bridges or not
 * ovsnet's, or an endpoint's bridge missing. */
static bool
load_endpoints(struct reconcile_ctx *ctx, const struct sset *names)
{
    const struct ovsrec_bridge *br;
    const char *name;

    OVSREC_BRIDGE_FOR_EACH (br, ctx->in->idl) {
        add_bridge_info(&ctx->bridges, br, false);
    }
    SSET_FOR_EACH (name, names) {
        const struct ovsrec_port *port;
        size_t n = db_find_ports(name, &port);

        br = port ? bridge_of_port(ctx, port) : NULL;
        if (n > 1
            || (br && !owned(&port->external_ids, PERSIST_ROLE_ENDPOINT))) {
            return false;
        } else if (br) {
            struct port_info *pi = xmalloc(sizeof *pi);
            pi->port = port;
            pi->br = br;
            shash_add(&ctx->ports, port->name, pi);
        }

        const struct state_endpoint *ep = state_endpoint_find_by_port(name);
        if (ep) {
            const struct state_network *net;
            net = state_network_find(ep->network_id);
            if (!net || !shash_find(&ctx->bridges, net->cfg.bridge)) {
                return false;
            }
        }
    }
    return true;
}

/* Does for the endpoints whose ports are called 'names' what
 * reconcile_all() would do for them, without looking at the others.
 * Returns false, having written nothing, if that cannot be done (see
 * load_endpoints()). */
static bool
reconcile_endpoints(struct reconcile_ctx *ctx, const struct sset *names)
{
    if (!load_endpoints(ctx, names)) {
        return false;
    }

    const char *name;
    SSET_FOR_EACH (name, names) {
        const struct state_endpoint *ep = state_endpoint_find_by_port(name);
        if (ep) {
            ensure_endpoint_port(ctx, ep);
        } else {
            endpoint_ok_forget(endpoint_ok_find(name));
        }
    }
    delete_unclaimed_ports(ctx);
    return true;
}

void
reconcile_ovsdb(const struct reconcile_ctx_in *in)
{
    /* The IDL's seqno and the desired state's after the last pass. */
    static unsigned int last_idl_seqno;
    static uint64_t last_state_seqno;

    struct reconcile_ctx ctx = {
        .in = in,
        .ovs = ovsrec_open_vswitch_first(in->idl),
        .bridges = SHASH_INITIALIZER(&ctx.bridges),
        .ports = SHASH_INITIALIZER(&ctx.ports),
    };
    if (!ctx.ovs) {
        VLOG_WARN_RL(&rl, "the database has no Open_vSwitch row yet "
                     "(is ovs-vswitchd running, or \"ovs-vsctl init\" done?)");
        return;
    }

    /* When the database is as the last pass left it (it has not moved, and
     * what that pass wrote, if anything, is in it) and only endpoints
     * changed since, looking at those is enough: a CreateEndpoint costs the
     * same with 1,000 endpoints as with 10.  Otherwise, and at a full
     * pass, everything (a failed try at the endpoints wrote nothing). */
    struct sset changed = SSET_INITIALIZER(&changed);
    bool only_endpoints = state_take_changes(&changed);
    if (in->full || !only_endpoints
        || ovsdb_idl_get_seqno(in->idl) != last_idl_seqno
        || db_applied_seqno() < last_state_seqno
        || !reconcile_endpoints(&ctx, &changed)) {
        reconcile_ctx_clear(&ctx);
        reconcile_all(&ctx);
    }
    reconcile_ctx_destroy(&ctx);
    sset_destroy(&changed);
    last_idl_seqno = ovsdb_idl_get_seqno(in->idl);
    last_state_seqno = state_seqno();
}

/* ovsdb/db: the connection to the local Open vSwitch database. */

#include <config.h>

#include "ovsdb/db.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "netlink-socket.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "ovsdb/dbloop.h"
#include "ovsdb/names.h"
#include "ovsdb/persist.h"
#include "ovsdb/state.h"
#include "sset.h"
#include "timeval.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(db);

static struct ovsdb_idl *idl;
static struct dbloop loop;      /* Its transactions. */

static bool initialized;
static bool was_connected;
static bool was_ready;          /* Connected and holding the lock. */
static bool was_contended;
static bool reconnected;
static char *lock_name;

/* Indexes of the replica, which the IDL keeps up to date row by row:
 * Interfaces and Ports by name, and Interfaces with an error first. */
static struct ovsdb_idl_index *ifaces_by_name;
static struct ovsdb_idl_index *ifaces_by_error;
static struct ovsdb_idl_index *ports_by_name;

void
db_init(const char *remote)
{
    idl = ovsdb_idl_create(remote, &ovsrec_idl_class, false, true);

    ovsdb_idl_add_table(idl, &ovsrec_table_open_vswitch);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_bridges);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_other_config);
    /* Docker swarm's nodes (ovsdb/persist). */
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_external_ids);
    /* To know when ovs-vswitchd has applied a change: see
     * db_vswitchd_caught_up(). */
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_next_cfg);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_cur_cfg);

    ovsdb_idl_add_table(idl, &ovsrec_table_bridge);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_ports);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_datapath_type);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_external_ids);

    ovsdb_idl_add_table(idl, &ovsrec_table_port);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_interfaces);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_tag);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_external_ids);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_protected_);
    /* A provider network's uplink is a trunk of its networks' VLANs. */
    ovsdb_idl_add_column(idl, &ovsrec_port_col_trunks);

    ovsdb_idl_add_table(idl, &ovsrec_table_interface);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_type);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_external_ids);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_ofport);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_error);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_mtu_request);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_link_state);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_options);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_mac);

    /* ovs-vswitchd writes these as it goes: they matter to the calls waiting
     * for a port (which look at every iteration) but need no reconcile
     * pass, so they do not change the IDL's seqno. */
    ovsdb_idl_omit_alert(idl, &ovsrec_interface_col_ofport);
    ovsdb_idl_omit_alert(idl, &ovsrec_interface_col_error);
    ovsdb_idl_omit_alert(idl, &ovsrec_interface_col_link_state);
    /* The MTU of an uplink that is a port already (plugin/provcheck). */
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_mtu);
    ovsdb_idl_omit_alert(idl, &ovsrec_interface_col_mtu);

    ifaces_by_name = ovsdb_idl_index_create1(idl, &ovsrec_interface_col_name);
    ports_by_name = ovsdb_idl_index_create1(idl, &ovsrec_port_col_name);
    /* An empty set sorts before a string: in descending order, the rows
     * with an error come first. */
    const struct ovsdb_idl_index_column by_error = {
        .column = &ovsrec_interface_col_error,
        .order = OVSDB_INDEX_DESC,
    };
    ifaces_by_error = ovsdb_idl_index_create(idl, &by_error, 1);

    /* One ovsnetd per driver writes: see db_lock_contended(). */
    lock_name = names_lock();
    ovsdb_idl_set_lock(idl, lock_name);

    dbloop_init(&loop, idl, "the database");
    initialized = true;
}

void
db_destroy(void)
{
    if (initialized) {
        dbloop_destroy(&loop);
        ovsdb_idl_destroy(idl);
        idl = NULL;
        free(lock_name);
        lock_name = NULL;
        initialized = false;
    }
}

struct ovsdb_idl *
db_idl(void)
{
    return idl;
}

bool
db_is_connected(void)
{
    return ovsdb_idl_is_connected(idl) && ovsdb_idl_has_ever_connected(idl);
}

/* Logs what the database says of the lock, and returns true if this ovsnetd
 * holds it ('connected' says whether it is connected). */
static bool
db_follow_lock(bool connected)
{
    bool has_lock = ovsdb_idl_has_lock(idl);
    bool contended = db_lock_contended();

    if (contended && !was_contended) {
        VLOG_WARN("another ovsnetd of driver %s holds OVSDB lock %s: this "
                  "one waits for it, changing nothing and failing Docker's "
                  "calls until then", names_driver(), lock_name);
    }
    if (connected && has_lock && !was_ready) {
        VLOG_INFO("holding OVSDB lock %s (driver %s)%s", lock_name,
                  names_driver(), was_contended ? ": taking over" : "");
    }
    was_contended = contended;
    return connected && has_lock;
}

struct ovsdb_idl_txn *
db_run(void)
{
    ovsdb_idl_run(idl);
    dbloop_run(&loop);

    bool connected = db_is_connected();
    if (connected && !was_connected) {
        VLOG_INFO("connected to the database");
    } else if (!connected && was_connected) {
        VLOG_WARN("lost the connection to the database, reconnecting");
    }
    was_connected = connected;

    bool ready = db_follow_lock(connected);
    if (ready && !was_ready) {
        reconnected = true;
    }
    was_ready = ready;

    return ready ? dbloop_open(&loop, state_seqno()) : NULL;
}

void
db_commit_and_wait(uint64_t seqno)
{
    dbloop_commit_and_wait(&loop, seqno);
}

bool
db_lock_contended(void)
{
    return (db_is_connected() && !ovsdb_idl_has_lock(idl)
            && ovsdb_idl_is_lock_contended(idl));
}

const char *
db_lock_name(void)
{
    return lock_name;
}

bool
db_take_reconnected(void)
{
    bool r = reconnected;
    reconnected = false;
    return r;
}

uint64_t
db_applied_seqno(void)
{
    return dbloop_applied_seqno(&loop);
}

const struct db_txn_result *
db_last_txn(void)
{
    return dbloop_last_txn(&loop);
}

/* Returns true if the running kernel has Open vSwitch's datapath, or has it
 * as a module that ovs-vswitchd will load. */
static bool
kernel_has_ovs_datapath(void)
{
    int family = 0;

    if (!nl_lookup_genl_family("ovs_datapath", &family)) {
        return true;
    }

    struct utsname u;
    if (uname(&u)) {
        return false;
    }

    char *path = xasprintf("/lib/modules/%s/modules.dep", u.release);
    FILE *f = fopen(path, "r");
    bool found = false;
    free(path);
    if (f) {
        char line[1024];
        while (!found && fgets(line, sizeof line, f)) {
            found = strstr(line, "/openvswitch.ko") != NULL;
        }
        fclose(f);
    }
    return found;
}

const char *
db_default_datapath(void)
{
    static const char *datapath;

    if (!datapath) {
        if (kernel_has_ovs_datapath()) {
            datapath = "system";
            VLOG_INFO("the kernel has Open vSwitch's datapath: new bridges "
                      "use datapath_type=system");
        } else {
            datapath = "netdev";
            VLOG_INFO("the kernel has no Open vSwitch datapath module: new "
                      "bridges use the userspace datapath "
                      "(datapath_type=netdev)");
        }
    }
    return datapath;
}


void
db_request_vswitchd_ack(struct ovsdb_idl_txn *txn)
{
    const struct ovsrec_open_vswitch *ovs;

    ovs = ovsrec_open_vswitch_first(idl);
    if (ovs) {
        ovsdb_idl_txn_increment(txn, &ovs->header_,
                                &ovsrec_open_vswitch_col_next_cfg, false);
    }
}

bool
db_vswitchd_caught_up(void)
{
    const struct ovsrec_open_vswitch *ovs;

    ovs = ovsrec_open_vswitch_first(idl);
    return ovs && ovs->cur_cfg >= ovs->next_cfg;
}

const struct ovsrec_interface *
db_find_interface(const char *name)
{
    struct ovsrec_interface *key;
    const struct ovsrec_interface *iface;

    key = ovsrec_interface_index_init_row(ifaces_by_name);
    ovsrec_interface_index_set_name(key, name);
    iface = ovsrec_interface_index_find(ifaces_by_name, key);
    ovsrec_interface_index_destroy_row(key);
    return iface;
}

void
db_interfaces_with_error(struct sset *names)
{
    const struct ovsrec_interface *iface;

    OVSREC_INTERFACE_FOR_EACH_BYINDEX (iface, ifaces_by_error) {
        if (!iface->error || !iface->error[0]) {
            if (iface->error) {
                continue;       /* An empty error, among the others. */
            }
            break;              /* The rows without one. */
        }
        sset_add(names, iface->name);
    }
}

bool
db_interface_state(const char *name, int64_t *ofport, const char **error)
{
    const struct ovsrec_interface *iface = db_find_interface(name);

    *ofport = iface && iface->n_ofport ? iface->ofport[0] : 0;
    *error = iface && iface->error && iface->error[0] ? iface->error : NULL;
    return iface != NULL;
}

bool
db_interface_mtu_requested(const char *name, int64_t mtu)
{
    const struct ovsrec_interface *iface = db_find_interface(name);

    return (iface && iface->n_mtu_request == 1
            && iface->mtu_request[0] == mtu);
}

const char *
db_bridge_datapath(const char *name)
{
    const struct ovsrec_bridge *br;

    OVSREC_BRIDGE_FOR_EACH (br, idl) {
        if (!strcmp(br->name, name)) {
            return br->datapath_type[0] ? br->datapath_type : "system";
        }
    }
    return NULL;
}

size_t
db_find_ports(const char *name, const struct ovsrec_port **portp)
{
    struct ovsrec_port *key = ovsrec_port_index_init_row(ports_by_name);
    const struct ovsrec_port *port;
    size_t n = 0;

    *portp = NULL;
    ovsrec_port_index_set_name(key, name);
    OVSREC_PORT_FOR_EACH_EQUAL (port, key, ports_by_name) {
        if (!n++) {
            *portp = port;
        }
    }
    ovsrec_port_index_destroy_row(key);
    return n;
}

bool
db_foreign_port_exists(const char *name)
{
    struct ovsrec_port *key = ovsrec_port_index_init_row(ports_by_name);
    const struct ovsrec_port *port;
    bool found = false;

    ovsrec_port_index_set_name(key, name);
    OVSREC_PORT_FOR_EACH_EQUAL (port, key, ports_by_name) {
        if (!smap_get(&port->external_ids, PERSIST_KEY_ROLE)
            || !persist_ids_are_mine(&port->external_ids)) {
            found = true;
            break;
        }
    }
    ovsrec_port_index_destroy_row(key);
    return found;
}

/* Returns true if 'ids' (of a Bridge, Port or Interface) mark a bridge of
 * ovsnet's or its local port, as ovsnet wrote them before there were
 * several drivers: the reconcile does not write these rows again. */
static bool
db_is_legacy_bridge_row(const struct smap *ids)
{
    const char *role = smap_get(ids, PERSIST_KEY_ROLE);
    return (role && !strcmp(role, PERSIST_ROLE_BRIDGE)
            && !smap_get(ids, PERSIST_KEY_DRIVER));
}

void
db_adopt_legacy_bridges(void)
{
    const struct ovsrec_bridge *br;

    if (!names_driver_is_default()) {
        return;
    }
    OVSREC_BRIDGE_FOR_EACH (br, idl) {
        if (!db_is_legacy_bridge_row(&br->external_ids)) {
            continue;
        }
        ovsrec_bridge_update_external_ids_setkey(br, PERSIST_KEY_DRIVER,
                                                 names_driver());
        for (size_t i = 0; i < br->n_ports; i++) {
            const struct ovsrec_port *port = br->ports[i];
            if (db_is_legacy_bridge_row(&port->external_ids)) {
                ovsrec_port_update_external_ids_setkey(port,
                                                       PERSIST_KEY_DRIVER,
                                                       names_driver());
            }
            for (size_t j = 0; j < port->n_interfaces; j++) {
                const struct ovsrec_interface *iface = port->interfaces[j];
                if (db_is_legacy_bridge_row(&iface->external_ids)) {
                    ovsrec_interface_update_external_ids_setkey(
                        iface, PERSIST_KEY_DRIVER, names_driver());
                }
            }
        }
    }
}

bool
db_bridge_deletable(const struct ovsrec_bridge *br)
{
    const char *role = smap_get(&br->external_ids, PERSIST_KEY_ROLE);

    if (!role || strcmp(role, PERSIST_ROLE_BRIDGE)) {
        return false;
    }
    for (size_t i = 0; i < br->n_ports; i++) {
        const struct smap *ids = &br->ports[i]->external_ids;
        role = smap_get(ids, PERSIST_KEY_ROLE);
        if (role && strcmp(role, PERSIST_ROLE_BRIDGE)
            && !persist_ids_are_mine(ids)) {
            return false;
        }
    }
    return true;
}

/* OVN (see ovsdb/nb). */

static const char *
db_ovs_external_id(const char *key)
{
    const struct ovsrec_open_vswitch *ovs = ovsrec_open_vswitch_first(idl);
    return ovs ? smap_get(&ovs->external_ids, key) : NULL;
}

const char *
db_system_id(void)
{
    return db_ovs_external_id("system-id");
}

const char *
db_ovn_bridge(void)
{
    if (!db_ovs_external_id("ovn-remote")) {
        return NULL;
    }
    const char *br = db_ovs_external_id("ovn-bridge");
    return br ? br : "br-int";
}

const char *
db_ovn_remote(void)
{
    return db_ovs_external_id("ovn-remote");
}

const char *
db_ovn_encap_type(void)
{
    const char *t = db_ovs_external_id("ovn-encap-type");
    return t ? t : "geneve";
}

bool
db_interface_ovn_installed(const char *name)
{
    const struct ovsrec_interface *iface = db_find_interface(name);
    return iface && smap_get_bool(&iface->external_ids, "ovn-installed",
                                  false);
}

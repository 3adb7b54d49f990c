/* ovsdb/nb: the connection to OVN's Northbound database. */

#include <config.h>

#include "ovsdb/nb.h"

#include <string.h>

#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "ovsdb/nb-ipam.h"
#include "ovsdb/nb-reconcile.h"
#include "ovsdb/ovn-nb-idl.h"
#include "ovsdb/sb.h"
#include "ovsdb/state.h"
#include "smap.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(nb);

static struct ovsdb_idl *idl;
static struct dbloop loop;
static char *remotes;
static bool was_connected;
static long long int connected_since;     /* When it last connected. */
static long long int disconnected_since;  /* When it was last connected,
                                            * or started. */
static int patience;                       /* See nb_init(). */

/* What the last pass wrote from, so that a pass runs only when something
 * moved: the replica, the desired state, or the IPAM's requests. */
static unsigned int last_idl_seqno;
static uint64_t last_state_seqno;
static uint64_t last_ipam_seqno;
static unsigned int last_sb_seqno;
static char *last_system_id;

void
nb_init(const char *remotes_, int patience_ms)
{
    patience = patience_ms;
    if (!remotes_) {
        return;
    }
    remotes = xstrdup(remotes_);
    idl = ovsdb_idl_create(remotes, &nbrec_idl_class, false, true);
    /* A cluster: write to its leader, as ovn-nbctl does. */
    ovsdb_idl_set_leader_only(idl, true);
    nbr_register(idl);
    nbipam_register(idl);
    dbloop_init(&loop, idl, "OVN's Northbound database");
    disconnected_since = time_msec();
    VLOG_INFO("OVN mode: Northbound database %s", remotes);
}

void
nb_destroy(void)
{
    if (idl) {
        dbloop_destroy(&loop);
        ovsdb_idl_destroy(idl);
        idl = NULL;
        nbr_destroy();
        nbipam_destroy();
        sb_destroy();
    }
    free(remotes);
    remotes = NULL;
    free(last_system_id);
    last_system_id = NULL;
}

bool
nb_enabled(void)
{
    return idl != NULL;
}

const char *
nb_remotes(void)
{
    return remotes;
}

struct ovsdb_idl *
nb_idl(void)
{
    return idl;
}

bool
nb_is_connected(void)
{
    return (idl && ovsdb_idl_is_connected(idl)
            && ovsdb_idl_has_ever_connected(idl));
}

long long int
nb_connected_msec(void)
{
    return nb_is_connected() ? time_msec() - connected_since : 0;
}

char *
nb_unavailable(void)
{
    if (!idl) {
        return xstrdup("ovsnetd runs without --ovn-nb: OVN mode is off");
    }
    if (nb_is_connected()
        || time_msec() - disconnected_since < patience) {
        return NULL;
    }
    int error = ovsdb_idl_get_last_error(idl);
    return xasprintf("cannot reach OVN's Northbound database at %s: %s "
                     "(for %lld s)", remotes,
                     error ? ovs_retval_to_string(error) : "no answer",
                     (time_msec() - disconnected_since) / 1000);
}

uint64_t
nb_applied_seqno(void)
{
    return idl ? dbloop_applied_seqno(&loop) : 0;
}

const struct db_txn_result *
nb_last_txn(void)
{
    return dbloop_last_txn(&loop);
}

/* Returns true if a pass has something to write. */
static bool
nb_pass_needed(const char *system_id)
{
    return (ovsdb_idl_get_seqno(idl) != last_idl_seqno
            || state_seqno() != last_state_seqno
            || nbipam_seqno() != last_ipam_seqno
            || sb_seqno() != last_sb_seqno
            || dbloop_applied_seqno(&loop) < state_seqno()
            || nullable_string_is_equal(system_id, last_system_id) == false);
}

void
nb_run(bool may_write, const char *system_id, const char *sb_remotes)
{
    if (!idl) {
        return;
    }
    sb_run(sb_remotes);
    ovsdb_idl_run(idl);
    dbloop_run(&loop);

    bool connected = nb_is_connected();
    if (connected) {
        disconnected_since = time_msec();
    }
    if (connected != was_connected) {
        if (connected) {
            connected_since = time_msec();
            VLOG_INFO("connected to OVN's Northbound database");
        } else {
            VLOG_WARN("lost the connection to OVN's Northbound database "
                      "%s, reconnecting", remotes);
        }
        was_connected = connected;
    }
    if (!connected || !may_write || !system_id) {
        return;
    }

    struct ovsdb_idl_txn *txn = dbloop_open(&loop, state_seqno());
    if (txn && nb_pass_needed(system_id)) {
        nbr_reconcile(idl, txn, system_id);
        nbipam_run(idl, txn, system_id);
        last_idl_seqno = ovsdb_idl_get_seqno(idl);
        last_state_seqno = state_seqno();
        last_ipam_seqno = nbipam_seqno();
        last_sb_seqno = sb_seqno();
        if (!nullable_string_is_equal(system_id, last_system_id)) {
            free(last_system_id);
            last_system_id = xstrdup(system_id);
        }
    }
}

void
nb_commit_and_wait(void)
{
    if (idl) {
        dbloop_commit_and_wait(&loop, state_seqno());
        sb_wait();
        if (!nb_is_connected()) {
            /* The calls waiting for it fail then. */
            poll_timer_wait_until(disconnected_since + patience);
        }
    }
}

const char *
nb_waiting_for(void)
{
    static char buf[512];

    if (nb_is_connected()) {
        snprintf(buf, sizeof buf, "OVN's Northbound database did not take "
                 "the change");
    } else {
        int error = ovsdb_idl_get_last_error(idl);
        snprintf(buf, sizeof buf, "OVN's Northbound database at %s is out "
                 "of reach (%s)", remotes,
                 error ? ovs_retval_to_string(error) : "no answer");
    }
    return buf;
}

enum nb_verdict
nb_check(const char *network_id, uint64_t seqno, char **error)
{
    const char *clash = nbr_network_error(network_id);
    if (clash) {
        *error = xstrdup(clash);
        return NB_FAILED;
    }

    const struct db_txn_result *r = nb_last_txn();
    if (r->status == DB_TXN_ERROR && r->base_seqno < seqno
        && seqno <= r->seqno && nb_applied_seqno() < seqno) {
        *error = xasprintf("OVN's Northbound database refused the change: "
                           "%s", r->error);
        return NB_FAILED;
    }
    if (!nb_is_connected()) {
        *error = nb_unavailable();
        return *error ? NB_FAILED : NB_WAIT;
    }
    return nb_applied_seqno() >= seqno ? NB_DONE : NB_WAIT;
}

void
nb_guard_creation(struct ovsdb_idl *idl_, const char *key)
{
    const struct nbrec_nb_global *g = nbrec_nb_global_first(idl_);

    if (g) {
        const char *n = smap_get_def(&g->external_ids, key, "0");
        char *next = xasprintf("%llu", strtoull(n, NULL, 10) + 1);
        nbrec_nb_global_verify_external_ids(g);
        nbrec_nb_global_update_external_ids_setkey(g, key, next);
        free(next);
    }
}

/* plugin/sync: when each reconciler runs. */

#include <config.h>

#include "plugin/sync.h"

#include "netns/link-sync.h"
#include "netns/nat-sync.h"
#include "netns/route.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "ovsdb/db.h"
#include "ovsdb/names.h"
#include "ovsdb/persist.h"
#include "ovsdb/reconcile.h"
#include "ovsdb/state.h"
#include "plugin/driver.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(sync);

/* ovsdb_idl_get_seqno() at the last OVSDB pass. */
static unsigned int last_idl_seqno;

void
sync_init(void)
{
    linksync_init();
}

void
sync_destroy(void)
{
    linksync_destroy();
}

void
sync_follow_lock(const char *socket_path)
{
    if (!db_lock_contended()) {
        state_set_unavailable(NULL);
        return;
    }
    if (state_is_loaded()) {
        VLOG_WARN("another ovsnetd of driver %s took OVSDB lock %s: "
                  "forgetting the state, which it serves now",
                  names_driver(), db_lock_name());
        linksync_unload();
        state_unload();
    }
    if (!state_unavailable()) {
        char *why = xasprintf("another ovsnetd of driver %s holds OVSDB "
                              "lock %s: this one (%s) stands by until it "
                              "exits", names_driver(), db_lock_name(),
                              socket_path);
        state_set_unavailable(why);
        free(why);
    }
}

bool
sync_take_reconnected(void)
{
    if (!db_take_reconnected()) {
        return false;
    }
    if (!state_is_loaded()) {
        persist_load(db_idl());
        linksync_adopt_loaded();
    }
    return true;
}

void
sync_run(struct ovsdb_idl_txn *txn, bool full, const struct sset *gone,
         const struct sset *changed)
{
    if (!state_is_loaded()) {
        return;
    }

    linksync_run(db_idl(), full, gone, changed);
    natsync_run(full);
    /* A CreateEndpoint that failed to make its link: answer now. */
    driver_run();

    /* An OVSDB pass is needed when the database moved, or when the desired
     * state has changes not yet committed (new ones, or ones whose commit
     * failed). */
    unsigned int idl_seqno = ovsdb_idl_get_seqno(db_idl());
    if (txn && (full || idl_seqno != last_idl_seqno
                || db_applied_seqno() < state_seqno())) {
        struct reconcile_ctx_in in = {
            .idl = db_idl(),
            .txn = txn,
            .ready_links = linksync_ready_links(),
            .local_addrs = route_local_addrs(),
            .full = full,
        };
        db_adopt_legacy_bridges();
        reconcile_ovsdb(&in);
        last_idl_seqno = idl_seqno;
    }
}

void
sync_wait(void)
{
    natsync_wait();
}

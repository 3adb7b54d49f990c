/* plugin/sync: when each reconciler runs. */

#include <config.h>

#include "plugin/sync.h"

#include "netns/link-sync.h"
#include "netns/nat-sync.h"
#include "ovsdb-idl.h"
#include "ovsdb/db.h"
#include "ovsdb/persist.h"
#include "ovsdb/reconcile.h"
#include "ovsdb/state.h"
#include "plugin/driver.h"

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
        };
        reconcile_ovsdb(&in);
        last_idl_seqno = idl_seqno;
    }
}

void
sync_wait(void)
{
    natsync_wait();
}

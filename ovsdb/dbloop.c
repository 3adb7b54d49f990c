/* ovsdb/dbloop: one IDL's transactions, each carrying a desired state. */

#include <config.h>

#include "ovsdb/dbloop.h"

#include <string.h>

#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(dbloop);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

#define DBLOOP_ERROR_RETRY_MSEC 5000

void
dbloop_init(struct dbloop *l, struct ovsdb_idl *idl, const char *what)
{
    memset(l, 0, sizeof *l);
    l->idl = idl;
    l->what = what;
}

void
dbloop_destroy(struct dbloop *l)
{
    if (l->open_txn) {
        ovsdb_idl_txn_destroy(l->open_txn);
    }
    if (l->committing_txn) {
        ovsdb_idl_txn_destroy(l->committing_txn);
    }
    free(l->last_txn.error);
    memset(l, 0, sizeof *l);
}

/* Turns the error of a failed transaction, as the IDL keeps it (the JSON of
 * the server's answer, {"error": ..., "details": ...}), into a message for
 * people: "constraint violation: Transaction causes...". */
static char *
dbloop_error_text(const char *error)
{
    struct json *j = json_from_string(error);
    char *text = NULL;

    if (j->type == JSON_OBJECT) {
        const struct json *e = shash_find_data(json_object(j), "error");
        const struct json *d = shash_find_data(json_object(j), "details");
        if (e && e->type == JSON_STRING) {
            text = (d && d->type == JSON_STRING
                    ? xasprintf("%s: %s", json_string(e), json_string(d))
                    : xstrdup(json_string(e)));
        }
    }
    json_destroy(j);
    return text ? text : xstrdup(error);
}

/* Records what became of the transaction in flight, which finished with
 * 'status', and destroys it. */
static void
dbloop_txn_finished(struct dbloop *l, enum ovsdb_idl_txn_status status)
{
    struct db_txn_result *r = &l->last_txn;

    free(r->error);
    r->error = NULL;
    r->serial++;
    r->seqno = l->committing_seqno;
    r->base_seqno = l->committing_base;

    switch (status) {
    case TXN_SUCCESS:
    case TXN_UNCHANGED:
        r->status = DB_TXN_COMMITTED;
        l->error_hold = false;
        if (l->committing_seqno > l->applied_seqno) {
            l->applied_seqno = l->committing_seqno;
            /* Work may have waited for this commit.  Not otherwise: the
             * transaction opened at every iteration commits unchanged
             * when there is nothing to write, and waking for that would
             * spin the loop. */
            poll_immediate_wake();
        }
        break;

    case TXN_TRY_AGAIN:
        /* Again once the database has moved from what it was when the
         * transaction was sent (it may have already). */
        r->status = DB_TXN_RETRY;
        l->skip_seqno = l->precommit_seqno;
        if (ovsdb_idl_get_seqno(l->idl) != l->skip_seqno) {
            poll_immediate_wake();
        }
        break;

    case TXN_ABORTED:
    case TXN_NOT_LOCKED:
    case TXN_ERROR:
    case TXN_UNCOMMITTED:
    case TXN_INCOMPLETE:
    default:
        r->status = DB_TXN_ERROR;
        r->error = dbloop_error_text(
            ovsdb_idl_txn_get_error(l->committing_txn));
        VLOG_WARN_RL(&rl, "%s refused the transaction for desired state "
                     "%"PRIu64": %s", l->what, l->committing_seqno,
                     r->error);
        l->error_hold = true;
        l->error_seqno = l->committing_seqno;
        l->error_idl_seqno = l->precommit_seqno;
        l->error_retry_at = time_msec() + DBLOOP_ERROR_RETRY_MSEC;
        break;
    }
    ovsdb_idl_txn_destroy(l->committing_txn);
    l->committing_txn = NULL;
}

void
dbloop_run(struct dbloop *l)
{
    if (l->committing_txn) {
        enum ovsdb_idl_txn_status status;
        status = ovsdb_idl_txn_commit(l->committing_txn);
        if (status != TXN_INCOMPLETE) {
            dbloop_txn_finished(l, status);
        }
    }
}

/* Returns true if a transaction for desired state 'seqno' may be opened
 * now. */
static bool
dbloop_may_open(const struct dbloop *l, uint64_t seqno)
{
    unsigned int idl_seqno = ovsdb_idl_get_seqno(l->idl);

    if (l->committing_txn || idl_seqno == l->skip_seqno) {
        return false;
    }
    if (l->error_hold
        && seqno == l->error_seqno
        && idl_seqno == l->error_idl_seqno
        && time_msec() < l->error_retry_at) {
        return false;
    }
    return true;
}

struct ovsdb_idl_txn *
dbloop_open(struct dbloop *l, uint64_t seqno)
{
    if (!l->open_txn && dbloop_may_open(l, seqno)) {
        l->open_txn = ovsdb_idl_txn_create(l->idl);
        ovsdb_idl_txn_add_comment(l->open_txn, "%s", program_name);
    }
    return l->open_txn;
}

void
dbloop_commit_and_wait(struct dbloop *l, uint64_t seqno)
{
    if (l->open_txn) {
        l->committing_txn = l->open_txn;
        l->open_txn = NULL;
        l->committing_seqno = seqno;
        l->committing_base = l->applied_seqno;
        l->precommit_seqno = ovsdb_idl_get_seqno(l->idl);
        dbloop_run(l);
    }
    if (l->error_hold) {
        if (seqno != l->error_seqno) {
            /* The desired state moved on from the refused one. */
            poll_immediate_wake();
        }
        poll_timer_wait_until(l->error_retry_at);
    }
    ovsdb_idl_wait(l->idl);
}

uint64_t
dbloop_applied_seqno(const struct dbloop *l)
{
    return l->applied_seqno;
}

const struct db_txn_result *
dbloop_last_txn(const struct dbloop *l)
{
    return &l->last_txn;
}

/* plugin/pending: the calls in flight. */

#include <config.h>

#include "plugin/pending.h"

#include <stdlib.h>

#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb/db.h"
#include "ovsdb/state.h"
#include "plugin/driver.h"
#include "plugin/http.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(pending);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 50);

/* Calls waiting for their change to take effect, oldest first. */
static struct ovs_list pendings = OVS_LIST_INITIALIZER(&pendings);

/* Calls not run yet, in the order they came: while the desired state is not
 * loaded from OVSDB, and while calls are run one at a time after OVSDB
 * refused a transaction ('alone'). */
static struct ovs_list deferred = OVS_LIST_INITIALIZER(&deferred);

/* True while a deferred 'alone' call runs: its pending is 'alone' too. */
static bool running_alone;

static int timeout_ms = DRIVER_DEFAULT_TIMEOUT_MS;
static pending_dispatch_func *dispatch;

void
pending_init(int timeout, pending_dispatch_func *dispatch_)
{
    timeout_ms = timeout;
    dispatch = dispatch_;
}

static void
pending_free(struct pending *p)
{
    ovs_list_remove(&p->node);
    free(p->call);
    free(p->endpoint_id);
    free(p->network_id);
    free(p->old_ports);
    free(p->new_ports);
    json_destroy(p->reply);
    if (p->aux_free) {
        p->aux_free(p->aux);
    }
    free(p);
}

struct pending *
pending_add(struct http_request *req, const char *call, struct json *reply)
{
    struct pending *p = xzalloc(sizeof *p);

    p->req = req;
    p->call = xstrdup(call);
    p->deadline = time_msec() + timeout_ms;
    p->seqno = state_seqno();
    p->alone = running_alone;
    p->reply = reply;
    ovs_list_push_back(&pendings, &p->node);
    poll_immediate_wake();
    return p;
}

/* Puts 'req', a call of 'call' that has not been run, into 'deferred': at
 * the back, or at the front if 'front'. */
static void
pending_defer(struct http_request *req, const char *call, bool alone,
              bool front)
{
    struct pending *p = xzalloc(sizeof *p);

    p->req = req;
    p->call = xstrdup(call);
    p->deadline = time_msec() + timeout_ms;
    p->alone = alone;
    if (front) {
        ovs_list_push_front(&deferred, &p->node);
    } else {
        ovs_list_push_back(&deferred, &p->node);
    }
    poll_immediate_wake();
}

bool
pending_committed(const struct pending *p)
{
    return db_applied_seqno() >= p->seqno;
}

struct ovs_list *
pending_in_flight(void)
{
    return &pendings;
}

/* Returns true while calls are being run one at a time: some wait in
 * 'deferred' for their turn, or one that ran alone is not committed yet. */
static bool
pending_isolating(void)
{
    const struct pending *p;

    LIST_FOR_EACH (p, node, &deferred) {
        if (p->alone) {
            return true;
        }
    }
    LIST_FOR_EACH (p, node, &pendings) {
        if (p->alone && !pending_committed(p)) {
            return true;
        }
    }
    return false;
}

bool
pending_admit(struct http_request *req, const char *call)
{
    if (!state_is_loaded() && state_unavailable()) {
        http_request_reply_error(req, 503, "%s: %s", call,
                                 state_unavailable());
    } else if (!state_is_loaded()) {
        pending_defer(req, call, false, false);
    } else if (pending_isolating()) {
        /* Its turn comes after the calls being run one at a time. */
        pending_defer(req, call, true, false);
    } else {
        return true;
    }
    return false;
}

/* Fails pending 'p' with 'status' and 'message', undoing what its call
 * changed in the desired state. */
static void
pending_fail(struct pending *p, unsigned int status, const char *message)
{
    VLOG_WARN_RL(&rl, "%s failed: %s", p->call, message);
    if (p->rollback) {
        p->rollback(p);
        poll_immediate_wake();
    }
    http_request_reply_error(p->req, status, "%s", message);
    pending_free(p);
}

static void
pending_succeed(struct pending *p)
{
    http_request_reply_json(p->req, 200, p->reply);
    p->reply = NULL;
    pending_free(p);
}

/* Answers 'p' if its completion predicate says it is complete or failed. */
static void
pending_judge(struct pending *p)
{
    enum pending_verdict v;
    unsigned int status = 500;
    char *msg = NULL;

    if (p->check) {
        v = p->check(p, &status, &msg);
    } else {
        v = pending_committed(p) ? PENDING_DONE : PENDING_WAIT;
    }
    if (v == PENDING_DONE) {
        pending_succeed(p);
    } else if (v == PENDING_FAILED) {
        pending_fail(p, status, msg);
    }
    free(msg);
}

/* Handles OVSDB's refusal of a transaction, 'r'.  The calls whose changes
 * it carried are those whose seqno is in (r->base_seqno, r->seqno]:
 *
 *   - if one of them changed the desired state (has a rollback), its change
 *     is the one OVSDB refused: it fails with OVSDB's message and is rolled
 *     back, and the others wait for the next transaction;
 *
 *   - if several did, which one is at fault cannot be told: all of them are
 *     rolled back (the newest first) and run again one at a time, each in
 *     a transaction of its own, before any call that comes later;
 *
 *   - if none did, the desired state cannot be committed as it is: they
 *     all fail with OVSDB's message. */
static void
pending_blame(const struct db_txn_result *r)
{
    struct pending **suspects = NULL;
    size_t n = 0, allocated = 0;
    struct pending *p;

    LIST_FOR_EACH (p, node, &pendings) {
        if (p->seqno > r->base_seqno && p->seqno <= r->seqno
            && p->rollback) {
            if (n >= allocated) {
                suspects = x2nrealloc(suspects, &allocated,
                                      sizeof *suspects);
            }
            suspects[n++] = p;
        }
    }

    if (n == 1) {
        char *msg = xasprintf("the Open vSwitch database refused the "
                              "change: %s", r->error);
        pending_fail(suspects[0], 409, msg);
        free(msg);
    } else if (n > 1) {
        VLOG_INFO("%"PRIuSIZE" calls shared the transaction the database "
                  "refused: running them again one at a time", n);
        for (size_t i = n; i-- > 0; ) {
            p = suspects[i];
            p->rollback(p);
            pending_defer(p->req, p->call, true, true);
            pending_free(p);
        }
    } else {
        char *msg = xasprintf("the Open vSwitch database refuses ovsnet's "
                              "changes: %s", r->error);
        LIST_FOR_EACH_SAFE (p, node, &pendings) {
            if (p->seqno > r->base_seqno && p->seqno <= r->seqno) {
                pending_fail(p, 503, msg);
            }
        }
        free(msg);
    }
    free(suspects);
}

/* Runs the deferred calls whose turn it is. */
static void
pending_run_deferred(void)
{
    while (state_is_loaded() && !ovs_list_is_empty(&deferred)) {
        struct pending *d = CONTAINER_OF(ovs_list_front(&deferred),
                                         struct pending, node);
        if (d->alone) {
            const struct pending *p;
            LIST_FOR_EACH (p, node, &pendings) {
                if (p->alone && !pending_committed(p)) {
                    return;     /* The one before is in flight. */
                }
            }
        }

        /* Run the call now, as if it had just come in. */
        struct http_request *req = d->req;
        running_alone = d->alone;
        pending_free(d);
        dispatch(req);
        running_alone = false;
    }
}

/* Answers the deferred calls that wait for a state that another ovsnetd of
 * the driver serves, or whose time is up at 'now'. */
static void
pending_expire_deferred(long long int now)
{
    struct pending *p;

    LIST_FOR_EACH_SAFE (p, node, &deferred) {
        if (!state_is_loaded() && state_unavailable()) {
            http_request_reply_error(p->req, 503, "%s: %s", p->call,
                                     state_unavailable());
            pending_free(p);
        } else if (now >= p->deadline) {
            if (!state_is_loaded() || !db_is_connected()) {
                http_request_reply_error(p->req, 503, "%s: the Open vSwitch "
                                         "database is not reachable",
                                         p->call);
            } else {
                http_request_reply_error(p->req, 503, "%s: its turn to be "
                                         "committed did not come within "
                                         "%d ms", p->call, timeout_ms);
            }
            pending_free(p);
        }
    }
}

/* Fails the pendings whose time is up at 'now'. */
static void
pending_expire(long long int now)
{
    struct pending *p;

    LIST_FOR_EACH_SAFE (p, node, &pendings) {
        if (now >= p->deadline) {
            char *msg;
            if (!db_is_connected()) {
                msg = xasprintf("%s: the Open vSwitch database is not "
                                "reachable", p->call);
            } else if (pending_committed(p) && p->waiting) {
                msg = xasprintf("%s: %s within %d ms", p->call, p->waiting,
                                timeout_ms);
            } else {
                msg = xasprintf("%s: the change was not committed to the "
                                "database within %d ms", p->call,
                                timeout_ms);
            }
            pending_fail(p, 503, msg);
            free(msg);
        }
    }
}

void
pending_run(void)
{
    static unsigned int txn_serial;
    const struct db_txn_result *r = db_last_txn();
    if (r->serial != txn_serial) {
        txn_serial = r->serial;
        if (r->status == DB_TXN_ERROR) {
            pending_blame(r);
        }
    }

    pending_run_deferred();

    /* The newest first, so that the rollbacks of calls that fail together
     * undo their changes in the reverse order. */
    struct pending *p;
    LIST_FOR_EACH_REVERSE_SAFE (p, node, &pendings) {
        pending_judge(p);
    }

    /* One that ran alone may have completed. */
    pending_run_deferred();

    /* Timeouts, after the above had their chance, and calls that wait for
     * a state that another ovsnetd of the driver serves. */
    long long int now = time_msec();
    pending_expire_deferred(now);
    pending_expire(now);
}

void
pending_wait(void)
{
    struct pending *p;

    LIST_FOR_EACH (p, node, &pendings) {
        poll_timer_wait_until(p->deadline);
    }
    LIST_FOR_EACH (p, node, &deferred) {
        poll_timer_wait_until(p->deadline);
    }
}

void
pending_shutdown(void)
{
    struct pending *p;

    LIST_FOR_EACH_SAFE (p, node, &pendings) {
        http_request_reply_error(p->req, 503, "ovsnetd is shutting down");
        pending_free(p);
    }
    LIST_FOR_EACH_SAFE (p, node, &deferred) {
        http_request_reply_error(p->req, 503, "ovsnetd is shutting down");
        pending_free(p);
    }
}

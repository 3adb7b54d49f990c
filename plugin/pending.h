/*
 * plugin/pending: the calls in flight, answered once their change has taken
 * effect.
 *
 * A call that changes the desired state (ovsdb/state) registers a pending
 * with pending_add() right after its change: a completion predicate
 * ('check': committed to OVSDB, and whatever else the call promises) and,
 * if it changed something, an explicit 'rollback' that takes its change
 * out of the desired state again should it fail.  pending_run() answers it
 * with its reply once 'check' says PENDING_DONE, or with an error (after
 * the rollback) on PENDING_FAILED or when it times out.
 *
 * When OVSDB refuses a transaction, the pendings whose changes it carried
 * are blamed: the one with a rollback fails with OVSDB's message; if
 * several have one, all are rolled back and run again one at a time
 * ('alone'), each in a transaction of its own; if none has one, all fail.
 * See doc/design.md, "Calls in flight".
 *
 * A call that needs the desired state is admitted by pending_admit(): it is
 * refused with 503 while another ovsnetd holds the driver's OVSDB lock
 * (state_unavailable()), and deferred, to be run later through the
 * pending_dispatch_func given to pending_init(), while the state is not
 * loaded or while calls are run one at a time.  Deferred calls time out
 * too.
 */
#ifndef PLUGIN_PENDING_H
#define PLUGIN_PENDING_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/list.h"

struct http_request;
struct json;
struct pending;
struct state_port;

enum pending_verdict {
    PENDING_WAIT,               /* Not complete yet. */
    PENDING_DONE,               /* Complete: answer with the reply. */
    PENDING_FAILED,             /* Failed: answer with the error, roll back. */
};

/* A completion predicate.  On PENDING_FAILED, stores an HTTP status in
 * '*status' and a message in '*msg' (for the caller to free). */
typedef enum pending_verdict pending_check_func(struct pending *,
                                                unsigned int *status,
                                                char **msg);
/* Undoes what a call changed in the desired state. */
typedef void pending_rollback_func(struct pending *);
/* Runs deferred call 'req' as if it had just come in. */
typedef void pending_dispatch_func(struct http_request *req);

struct pending {
    /* The engine's. */
    struct ovs_list node;       /* In the engine's lists. */
    struct http_request *req;
    char *call;                 /* e.g. "CreateNetwork", for messages. */
    long long int deadline;     /* In msec, time_msec() clock. */
    bool alone;                 /* Its change goes to OVSDB alone. */
    uint64_t seqno;             /* Committed once db_applied_seqno() >= this:
                                 * the state_seqno() after its change. */

    /* The call's, set after pending_add(); freed by the engine. */
    pending_check_func *check;  /* NULL: the commit alone completes it. */
    pending_rollback_func *rollback;  /* NULL: nothing to undo. */
    const char *waiting;        /* What it waits for once committed, for
                                 * the timeout's message (set by 'check'). */
    char *network_id;           /* The network it creates or needs. */
    char *endpoint_id;          /* The endpoint it creates, changes or
                                 * deletes. */
    struct state_port *old_ports;  /* ProgramExternalConnectivity: the */
    size_t n_old_ports;            /* endpoint's published ports before */
    struct state_port *new_ports;  /* it, and after. */
    size_t n_new_ports;
    struct json *reply;         /* Sent on success. */
    void *aux;                  /* The call's own, freed with */
    void (*aux_free)(void *);   /* this (if nonnull). */
};

/* Sets the timeout of the calls registered from now on (also named in the
 * timeouts' messages) and what runs a deferred call. */
void pending_init(int timeout_ms, pending_dispatch_func *);

/* Answers every call still waiting with 503. */
void pending_shutdown(void);

/* For call 'req' (named 'call'), which needs the desired state: returns
 * true if it may run now; otherwise answers it (503) or defers it. */
bool pending_admit(struct http_request *, const char *call);

/* Registers 'req', a call of 'call' whose change (if any) has just been
 * made, to be answered with 'reply' (which this takes) once the commit
 * completes it.  The caller sets 'check', 'rollback' and their data. */
struct pending *pending_add(struct http_request *, const char *call,
                            struct json *reply);

/* Returns true once the change of 'p' is committed to OVSDB. */
bool pending_committed(const struct pending *);

/* The pendings in flight, oldest first (for a rollback that must hand
 * its job to a later call). */
struct ovs_list *pending_in_flight(void);

/* Blames a refused transaction, runs the deferred calls whose turn it is,
 * and answers the calls that are complete, have failed or timed out. */
void pending_run(void);
void pending_wait(void);

#endif /* plugin/pending.h */

/*
 * ovsdb/dbloop: one IDL's transactions, one at a time, each carrying a
 * desired state (state_seqno()).
 *
 * As OVS's ovsdb_idl_loop, except that a transaction that fails is looked
 * at before it is destroyed (dbloop_last_txn()), that it counts how far the
 * desired state has been committed, and that after a refusal the same
 * desired state is not sent again at every wake-up.  ovsdb/db (the local
 * Open vSwitch database) and ovsdb/nb (OVN's Northbound database) each keep
 * one.
 */
#ifndef OVSDB_DBLOOP_H
#define OVSDB_DBLOOP_H 1

#include <stdbool.h>
#include <stdint.h>

struct ovsdb_idl;
struct ovsdb_idl_txn;

/* What became of the last transaction that finished. */
enum db_txn_status {
    DB_TXN_COMMITTED,           /* In OVSDB (or it changed nothing). */
    DB_TXN_RETRY,               /* Not applied, through no fault of its
                                 * contents (the database changed under
                                 * it, or the connection dropped): the same
                                 * changes go into the next one. */
    DB_TXN_ERROR,               /* OVSDB refused it: see 'error'. */
};

struct db_txn_result {
    unsigned int serial;        /* Incremented each time a transaction
                                 * finishes; 0 before the first one. */
    enum db_txn_status status;
    uint64_t seqno;             /* The state_seqno() it carried... */
    uint64_t base_seqno;        /* ...and the applied seqno when it was
                                 * sent: it carried the changes of the
                                 * desired state after this one, up to
                                 * 'seqno'. */
    char *error;                /* DB_TXN_ERROR: OVSDB's message, e.g.
                                 * "constraint violation: ...". */
};

struct dbloop {
    struct ovsdb_idl *idl;
    const char *what;                   /* For logs: "the database". */
    struct ovsdb_idl_txn *open_txn;     /* For the caller to fill. */
    struct ovsdb_idl_txn *committing_txn;  /* Sent, not answered. */
    unsigned int precommit_seqno;       /* The IDL's, when it was sent. */
    uint64_t committing_seqno;          /* state_seqno() it carries. */
    uint64_t committing_base;           /* applied_seqno then. */
    unsigned int skip_seqno;            /* No transaction while the IDL's
                                         * seqno is this one (after
                                         * TXN_TRY_AGAIN). */
    uint64_t applied_seqno;             /* See dbloop_applied_seqno(). */

    /* After TXN_ERROR, the same desired state is not sent again until it
     * changes, the database changes, or a few seconds pass. */
    bool error_hold;
    uint64_t error_seqno;
    unsigned int error_idl_seqno;
    long long int error_retry_at;

    struct db_txn_result last_txn;
};

void dbloop_init(struct dbloop *, struct ovsdb_idl *, const char *what);
void dbloop_destroy(struct dbloop *);

/* Looks at the transaction in flight.  Call after ovsdb_idl_run(). */
void dbloop_run(struct dbloop *);

/* Returns the transaction to fill for desired state 'seqno', opening one if
 * none is in flight and none is held back (see above); NULL otherwise. */
struct ovsdb_idl_txn *dbloop_open(struct dbloop *, uint64_t seqno);

/* Sends the open transaction, if any, as carrying desired state 'seqno';
 * arranges the wake-ups the loop needs (ovsdb_idl_wait() included). */
void dbloop_commit_and_wait(struct dbloop *, uint64_t seqno);

/* The highest desired state known to be in the database. */
uint64_t dbloop_applied_seqno(const struct dbloop *);
const struct db_txn_result *dbloop_last_txn(const struct dbloop *);

#endif /* ovsdb/dbloop.h */

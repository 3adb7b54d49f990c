/*
 * plugin/sync: decides when each reconciler runs, in one iteration of the
 * main loop, after the Docker calls of that iteration changed the desired
 * state: the links (netns/link-sync), then the netfilter table and FORWARD
 * (netns/nat-sync), then the answers of calls that failed there
 * (plugin/driver), then OVSDB (ovsdb/reconcile) when the database moved or
 * the desired state has changes not yet committed.
 */
#ifndef PLUGIN_SYNC_H
#define PLUGIN_SYNC_H 1

#include <stdbool.h>

struct ovsdb_idl_txn;
struct sset;

void sync_init(void);
void sync_destroy(void);

/* While another ovsnetd of the same driver holds the database lock, this
 * one forgets the state (the other one owns it now and serves Docker,
 * nothing is deleted) and fails Docker's calls at once, saying why
 * (state_unavailable(), naming 'socket_path').  Call it after db_run(). */
void sync_follow_lock(const char *socket_path);

/* Loads the desired state from OVSDB the first time the database is
 * complete.  Returns true after every (re)connection: then the next pass
 * must be a full one. */
bool sync_take_reconnected(void);

/* Runs the reconcilers, once the desired state is loaded.  'txn' is the
 * transaction for the OVSDB pass, or NULL if one cannot be opened now.
 * With 'full', every reconciler looks at everything.  'gone' and 'changed'
 * name the links the kernel reported deleted or changed (netns/monitor). */
void sync_run(struct ovsdb_idl_txn *txn, bool full,
              const struct sset *gone, const struct sset *changed);
void sync_wait(void);

#endif /* plugin/sync.h */

/*
 * plugin/driver: Docker's NetworkDriver calls.
 *
 * Where a Docker call enters: driver_handle() reads the request, checks it,
 * changes the desired state (ovsdb/state) and answers once the change is in
 * OVSDB, or at once when there is nothing to wait for.  It never touches
 * OVSDB rows or links itself: that is the reconcilers' job (plugin/sync).
 */
#ifndef PLUGIN_DRIVER_H
#define PLUGIN_DRIVER_H 1

#include <stdbool.h>

struct http_request;

/* How long a call waits for OVSDB and ovs-vswitchd before it fails. */
#define DRIVER_DEFAULT_TIMEOUT_MS 15000

/* 'global': a global-scope driver, for Docker swarm (plugin/swarm). */
void driver_init(int timeout_ms, bool global);
void driver_destroy(void);

/* The http_handler_func for the plugin socket. */
void driver_handle(struct http_request *, void *aux);

/* Answers the calls whose changes have been committed, or have failed or
 * timed out. */
void driver_run(void);
void driver_wait(void);

#endif /* plugin/driver.h */

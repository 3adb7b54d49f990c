/*
 * netns/monitor: link events from the kernel.
 *
 * Watches RTM_NEWLINK / RTM_DELLINK of the daemon's namespace (through
 * libopenvswitch's rtnetlink notifier) and remembers the names of the links
 * that went away or appeared, so that the reconcile pass can look at just
 * those.
 */
#ifndef NETNS_MONITOR_H
#define NETNS_MONITOR_H 1

#include <stdbool.h>

struct sset;

void linkmon_init(void);
void linkmon_destroy(void);
void linkmon_run(void);
void linkmon_wait(void);

/* Moves the names of links that were deleted since the last call into
 * 'gone', and of links that were added or changed into 'changed'.  Returns
 * true if the kernel's buffer overflowed, in which case any link may have
 * changed. */
bool linkmon_take(struct sset *gone, struct sset *changed);

#endif /* netns/monitor.h */

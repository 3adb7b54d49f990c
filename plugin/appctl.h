/*
 * plugin/appctl: the operator's commands, through "ovs-appctl -t ovsnetd".
 */
#ifndef PLUGIN_APPCTL_H
#define PLUGIN_APPCTL_H 1

#include <stdbool.h>

void appctl_register(void);

/* True once after "ovsnet/cleanup" asked for a full link sweep. */
bool appctl_take_full_sweep(void);

#endif /* plugin/appctl.h */

/*
 * The replacements of plugin/driver's collaborators that tests/test-driver.c
 * and tests/fuzz/fuzz-driver.c share (see tests/driver-wraps.h): OVSDB
 * holds no port or interface of the names plugin/provcheck looks up, so
 * that a provider network's uplink is always one to add.
 */
#include <config.h>

#include "tests/driver-wraps.h"

size_t
__wrap_db_find_ports(const char *name OVS_UNUSED,
                     const struct ovsrec_port **portp)
{
    *portp = NULL;
    return 0;
}

const struct ovsrec_interface *
__wrap_db_find_interface(const char *name OVS_UNUSED)
{
    return NULL;
}

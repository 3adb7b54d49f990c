/*
 * Included at the end of config.h when building against an Open vSwitch
 * build tree: that tree's config.h describes how libopenvswitch was built,
 * and its headers depend on it.  Our package macros give way to its own.
 */
#undef PACKAGE
#undef PACKAGE_BUGREPORT
#undef PACKAGE_NAME
#undef PACKAGE_STRING
#undef PACKAGE_TARNAME
#undef PACKAGE_URL
#undef PACKAGE_VERSION
#undef VERSION
#include OVS_CONFIG_H

/* ovsdb/names: names of ovsnet's links and rows. */

#include <config.h>

#include "ovsdb/names.h"

#include <ctype.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "random.h"
#include "util.h"

bool
names_id_valid(const char *id)
{
    size_t len = id ? strlen(id) : 0;

    if (len < 1 || len > 128) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char) id[i])
            && !(id[i] >= 'a' && id[i] <= 'z')) {
            return false;
        }
    }
    return true;
}

static char *
names_make(const char *prefix, const char *id)
{
    return xasprintf("%s%.*s", prefix, NAMES_ID_DIGITS, id);
}

char *
names_bridge(const char *network_id)
{
    return names_make(NAMES_BRIDGE_PREFIX, network_id);
}

char *
names_gateway(const char *network_id)
{
    return names_make(NAMES_GATEWAY_PREFIX, network_id);
}

char *
names_port(const char *endpoint_id)
{
    return names_make(NAMES_PORT_PREFIX, endpoint_id);
}

char *
names_peer(const char *endpoint_id)
{
    return names_make(NAMES_PEER_PREFIX, endpoint_id);
}

char *
names_vxlan(const char *network_id)
{
    return names_make(NAMES_VXLAN_PREFIX, network_id);
}

static char *driver_name;

char *
names_driver_from_socket(const char *path)
{
    const char *base = strrchr(path, '/');
    size_t len;

    base = base ? base + 1 : path;
    len = strlen(base);
    if (len > strlen(".sock") && !strcmp(base + len - strlen(".sock"),
                                         ".sock")) {
        len -= strlen(".sock");
    }
    return xmemdup0(base, len);
}

const char *
names_driver_error(const char *driver)
{
    size_t len = driver ? strlen(driver) : 0;

    if (!len) {
        return "is empty";
    }
    if (len > NAMES_DRIVER_MAX) {
        return "is longer than 16 bytes";
    }
    if (!isalnum((unsigned char) driver[0])
        || strspn(driver, "abcdefghijklmnopqrstuvwxyz"
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != len) {
        return "may hold only letters, digits, '_', '.' and '-', and must "
               "begin with a letter or a digit";
    }
    return NULL;
}

void
names_set_driver(const char *driver)
{
    free(driver_name);
    driver_name = xstrdup(driver);
}

const char *
names_driver(void)
{
    return driver_name ? driver_name : NAMES_DEFAULT_DRIVER;
}

bool
names_driver_is_default(void)
{
    return !strcmp(names_driver(), NAMES_DEFAULT_DRIVER);
}

char *
names_lock(void)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_cstr(&s, "ovsnet_");
    for (const char *p = names_driver(); *p; p++) {
        ds_put_cstr(&s, (*p == '_' ? "__" : *p == '-' ? "_h"
                         : *p == '.' ? "_d" : ""));
        if (isalnum((unsigned char) *p)) {
            ds_put_char(&s, *p);
        }
    }
    return ds_steal_cstr(&s);
}

#define NAMES_ALIAS_PREFIX "ovsnet:"

char *
names_alias(const char *id)
{
    return (names_driver_is_default()
            ? xasprintf(NAMES_ALIAS_PREFIX "%s", id)
            : xasprintf(NAMES_ALIAS_PREFIX "%s:%s", names_driver(), id));
}

bool
names_alias_is_mine(const char *alias)
{
    if (!alias || strncmp(alias, NAMES_ALIAS_PREFIX,
                          strlen(NAMES_ALIAS_PREFIX))) {
        return false;
    }

    const char *rest = alias + strlen(NAMES_ALIAS_PREFIX);
    const char *colon = strchr(rest, ':');
    const char *driver = names_driver();
    if (!colon) {
        /* Written by an ovsnet that knew one driver only. */
        return names_driver_is_default() && names_id_valid(rest);
    }
    return ((size_t) (colon - rest) == strlen(driver)
            && !strncmp(rest, driver, colon - rest)
            && names_id_valid(colon + 1));
}

const char *
names_ifname_error(const char *name)
{
    size_t len = name ? strlen(name) : 0;

    if (!len) {
        return "is empty";
    }
    if (len > NAMES_IFNAME_MAX) {
        return "is longer than 15 bytes, the kernel's limit for a device name";
    }
    if (!strcmp(name, ".") || !strcmp(name, "..")) {
        return "is not a valid device name";
    }
    for (const char *p = name; *p; p++) {
        unsigned char c = *p;
        if (c == '/' || c == ':' || isspace(c) || !isprint(c)) {
            return "may hold only printable characters other than '/', ':' "
                   "and white space";
        }
    }
    return NULL;
}

void
names_random_mac(struct eth_addr *mac, const struct eth_addr *used,
                 size_t n_used)
{
    for (;;) {
        bool taken = false;

        random_bytes(mac->ea, sizeof mac->ea);
        mac->ea[0] = (mac->ea[0] & 0xfc) | 0x02;  /* Unicast, local. */
        for (size_t i = 0; i < n_used; i++) {
            if (eth_addr_equals(*mac, used[i])) {
                taken = true;
                break;
            }
        }
        if (!taken) {
            return;
        }
    }
}

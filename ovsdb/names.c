/* ovsdb/names: names of ovsnet's links and rows. */

#include <config.h>

#include "ovsdb/names.h"

#include <ctype.h>
#include <string.h>

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
        if (!isxdigit((unsigned char) id[i])) {
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

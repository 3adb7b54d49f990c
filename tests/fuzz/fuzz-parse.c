/*
 * Fuzz target: what parses strings from outside, other than JSON itself
 * (which is libopenvswitch's).  The first byte of an input chooses the
 * parser, the rest is its text:
 *
 *   'o': CreateNetwork options (plugin/netopts), the text being the JSON
 *        request, as Docker sends it;
 *   'a': an address with a prefix length (ovsdb/addr_parse());
 *   'i': a bare IP (ovsdb/addr_ip_valid());
 *   'n': a Docker ID (ovsdb/names_id_valid()) and an interface name
 *        (names_ifname_error()).
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/json.h"
#include "openvswitch/vlog.h"
#include "ovsdb/addr.h"
#include "ovsdb/names.h"
#include "ovsdb/state.h"
#include "plugin/netopts.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool inited;
    if (!inited) {
        inited = true;
        vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
    }
    if (!size) {
        return 0;
    }

    char *text = xmemdup0((const char *) data + 1, size - 1);
    switch (data[0]) {
    case 'o': {
        struct json *req = json_from_string(text);
        if (req->type == JSON_OBJECT) {
            struct state_netcfg cfg;
            state_netcfg_init(&cfg);
            free(netopts_parse(req, "0123456789abcdef0123456789abcdef"
                               "0123456789abcdef0123456789abcdef", &cfg));
            state_netcfg_destroy(&cfg);
        }
        json_destroy(req);
        break;
    }
    case 'a': {
        struct addr addr;
        addr_parse(text, &addr);
        break;
    }
    case 'i': {
        int family;
        addr_ip_valid(text, &family);
        break;
    }
    case 'n':
        names_id_valid(text);
        names_ifname_error(text);
        break;
    }
    free(text);
    return 0;
}

/* plugin/portmap: published ports. */

#include <config.h>

#include "plugin/portmap.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "openvswitch/json.h"
#include "ovsdb/addr.h"
#include "plugin/json-get.h"
#include "util.h"

/* Reads member 'key' of 'item' (binding number 'i') as an integer from
 * 'min' to 'max' into '*value'; a missing or null member is 'dflt'. */
static char *
get_int(const struct json *item, size_t i, const char *key, long long int min,
        long long int max, long long int dflt, long long int *value)
{
    const struct json *v = json_get(item, key);

    if (!v || v->type == JSON_NULL) {
        *value = dflt;
        return NULL;
    }
    if (v->type != JSON_INTEGER
        || json_integer(v) < min || json_integer(v) > max) {
        char *s = json_to_string(v, 0);
        char *error = xasprintf(PORTMAP_KEY "[%"PRIuSIZE"].%s=%.80s: must "
                                "be a number from %lld to %lld", i, key, s,
                                min, max);
        free(s);
        return error;
    }
    *value = json_integer(v);
    return NULL;
}

/* Reads the protocol of binding 'item' (number 'i'): a number, as Docker
 * sends it, or a name. */
static char *
get_proto(const struct json *item, size_t i, uint8_t *proto)
{
    const struct json *v = json_get(item, "Proto");

    if (v && v->type == JSON_INTEGER
        && (json_integer(v) == IPPROTO_TCP || json_integer(v) == IPPROTO_UDP
            || json_integer(v) == IPPROTO_SCTP)) {
        *proto = json_integer(v);
        return NULL;
    }
    if (v && v->type == JSON_STRING) {
        const char *s = json_string(v);
        *proto = addr_proto_from_name(s);
        if (*proto) {
            return NULL;
        }
    }
    char *s = v ? json_to_string(v, 0) : xstrdup("missing");
    char *error = xasprintf(PORTMAP_KEY "[%"PRIuSIZE"].Proto=%.80s: the "
                            "protocol must be tcp (6), udp (17) or sctp "
                            "(132)", i, s);
    free(s);
    return error;
}

static char *
parse_binding(const struct json *item, size_t i, struct portmap_binding *b)
{
    long long int port, start, end;
    char *error;

    memset(b, 0, sizeof *b);
    if (item->type != JSON_OBJECT) {
        return xasprintf(PORTMAP_KEY "[%"PRIuSIZE"] must be an object", i);
    }
    error = get_proto(item, i, &b->port.proto);
    if (!error) {
        error = get_int(item, i, "Port", 1, 65535, 0, &port);
    }
    if (!error && !port) {
        error = xasprintf(PORTMAP_KEY "[%"PRIuSIZE"].Port (the container's "
                          "port) is missing", i);
    }
    if (!error) {
        error = get_int(item, i, "HostPort", 0, 65535, 0, &start);
    }
    if (!error) {
        error = get_int(item, i, "HostPortEnd", 0, 65535, start, &end);
    }
    if (error) {
        return error;
    }
    if (!end) {
        end = start;
    }
    if (end < start || (!start && end)) {
        return xasprintf(PORTMAP_KEY "[%"PRIuSIZE"]: host port range %lld-"
                         "%lld ends before it starts", i, start, end);
    }
    b->port.port = port;
    b->port.host_port = start;
    b->host_port_end = end;

    const struct json *ip = json_get(item, "HostIP");
    if (ip && ip->type != JSON_NULL) {
        const char *s = ip->type == JSON_STRING ? json_string(ip) : NULL;
        struct addr a;
        if (!s || strlen(s) >= sizeof b->port.host_ip
            || (s[0] && !addr_ip_parse(s, &a))) {
            char *text = json_to_string(ip, 0);
            error = xasprintf(PORTMAP_KEY "[%"PRIuSIZE"].HostIP=%.80s: not "
                              "an IPv4 or IPv6 address", i, text);
            free(text);
            return error;
        }
        /* One spelling of each address, so that two can be compared. */
        if (s[0]) {
            inet_ntop(a.family, &a.in6, b->port.host_ip,
                      sizeof b->port.host_ip);
        }
    }
    return NULL;
}

char *
portmap_parse(const struct json *options, struct portmap_binding **bindings,
              size_t *n)
{
    const struct json *map = json_get(options, PORTMAP_KEY);
    char *error = NULL;

    *bindings = NULL;
    *n = 0;
    if (options && options->type != JSON_NULL
        && options->type != JSON_OBJECT) {
        return xstrdup("Options must be an object");
    }
    if (!map || map->type == JSON_NULL) {
        return NULL;
    }
    if (map->type != JSON_ARRAY) {
        return xstrdup(PORTMAP_KEY " must be an array");
    }

    const struct json_array *a = json_array(map);
    if (!a->n) {
        return NULL;
    }
    *bindings = xcalloc(a->n, sizeof **bindings);
    for (size_t i = 0; !error && i < a->n; i++) {
        error = parse_binding(a->elems[i], i, &(*bindings)[i]);
        for (size_t j = 0; !error && j < i; j++) {
            const struct portmap_binding *x = &(*bindings)[i];
            const struct portmap_binding *y = &(*bindings)[j];
            if (x->port.proto == y->port.proto && x->port.host_port
                && x->port.host_port == y->port.host_port
                && x->host_port_end == x->port.host_port
                && y->host_port_end == y->port.host_port
                && !strcmp(x->port.host_ip, y->port.host_ip)) {
                error = xasprintf(PORTMAP_KEY "[%"PRIuSIZE"]: host port "
                                  "%s/%"PRIu16" is published twice", i,
                                  addr_proto_name(x->port.proto),
                                  x->port.host_port);
            }
        }
        (*n)++;
    }
    if (error) {
        free(*bindings);
        *bindings = NULL;
        *n = 0;
    }
    return error;
}

/* Returns true if 'p' overlaps a port of another endpoint than 'ep', or one
 * of the 'n' of 'chosen'. */
static bool
port_taken(const struct state_port *p, const struct state_endpoint *ep,
           const struct state_port *chosen, size_t n)
{
    if (state_port_owner(p, ep)) {
        return true;
    }
    for (size_t i = 0; i < n; i++) {
        if (state_ports_overlap(p, &chosen[i])) {
            return true;
        }
    }
    return false;
}

char *
portmap_allocate(const struct portmap_binding *bindings, size_t n,
                 const struct state_endpoint *ep, struct state_port **portsp)
{
    struct state_port *ports = n ? xcalloc(n, sizeof *ports) : NULL;
    char *error = NULL;

    for (size_t i = 0; !error && i < n; i++) {
        const struct portmap_binding *b = &bindings[i];
        struct state_port *p = &ports[i];
        unsigned int first = b->port.host_port, last = b->host_port_end;

        *p = b->port;
        if (!first) {
            /* Any: keep the one this endpoint has, if it has one. */
            for (size_t j = 0; ep && j < ep->n_ports; j++) {
                const struct state_port *old = &ep->ports[j];
                if (old->proto == p->proto && old->port == p->port
                    && !strcmp(old->host_ip, p->host_ip)) {
                    p->host_port = old->host_port;
                    if (!port_taken(p, ep, ports, i)) {
                        break;
                    }
                    p->host_port = 0;
                }
            }
            if (p->host_port) {
                continue;
            }
            first = STATE_PORT_MIN;
            last = STATE_PORT_MAX;
        }
        /* The first port of the range that no other endpoint publishes
         * (from the index of host ports: no need to try them one by one),
         * and that no earlier binding of this call took. */
        p->host_port = 0;
        for (unsigned int hp = first; hp && hp <= last; hp++) {
            hp = state_port_first_free(p, hp, last, ep);
            p->host_port = hp;
            if (!hp || !port_taken(p, ep, ports, i)) {
                break;
            }
            p->host_port = 0;
        }
        if (!p->host_port) {
            const char *proto = addr_proto_name(p->proto);
            const struct state_endpoint *owner;
            if (first == last) {
                p->host_port = first;
                owner = state_port_owner(p, ep);
                error = xasprintf("host port %s/%u%s%s is already published "
                                  "by %s%s", proto, first,
                                  p->host_ip[0] ? " on " : "", p->host_ip,
                                  owner ? "endpoint " : "this call",
                                  owner ? owner->id : "");
            } else {
                error = xasprintf("no free host port for %s/%u in %u-%u",
                                  proto, b->port.port, first, last);
            }
        }
    }
    if (error) {
        free(ports);
        ports = NULL;
    }
    *portsp = ports;
    return error;
}
